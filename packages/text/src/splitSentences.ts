import type { Token } from '@nlpkit/core';
import { check, checkText } from './errors.js';

/** Options for {@link splitSentences}. */
export interface SplitSentencesOptions {
  /**
   * Abbreviations (lowercase, without the final period: `'mr'`, `'e.g'`) after which a period never ends a
   * sentence. Replaces the default list, {@link DEFAULT_ABBREVIATIONS}.
   */
  readonly abbreviations?: Iterable<string>;
  /**
   * Abbreviations that may end a sentence (`etc.`, `U.S.`, `Inc.`): a break happens after them only when the
   * next word is a typical sentence opener ("The", "He", "But"...). Replaces {@link DEFAULT_FINAL_ABBREVIATIONS}.
   */
  readonly finalAbbreviations?: Iterable<string>;
}

/** Titles and abbreviations that are practically never sentence-final. */
export const DEFAULT_ABBREVIATIONS: readonly string[] = [
  'mr', 'mrs', 'ms', 'mx', 'dr', 'prof', 'st', 'sr', 'jr', 'rev', 'hon', 'gen', 'col', 'capt', 'lt', 'sgt', 'maj',
  'gov', 'sen', 'rep', 'pres', 'mt', 'ft', 'messrs', 'mme', 'mlle', 'm', 'hr', 'fr',
  'e.g', 'i.e', 'vs', 'v', 'cf', 'viz', 'al', 'approx', 'ca', 'no', 'nos', 'fig', 'figs', 'vol', 'vols', 'pp',
  'p', 'ch', 'sec', 'ed', 'eds', 'est', 'dept', 'univ', 'ave', 'blvd', 'rd', 'tel', 'z.b', 'd.h', 'usw', 'bzw',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
];

/** Abbreviations that often end a sentence too. Single initials ("J.") are treated the same way. */
export const DEFAULT_FINAL_ABBREVIATIONS: readonly string[] = [
  'etc', 'inc', 'ltd', 'co', 'corp', 'bros', 'llc', 'plc', 'a.m', 'p.m', 'u.s', 'u.k', 'u.n', 'e.u', 'u.s.a',
  'd.c', 'ph.d', 'b.a', 'm.a', 'b.sc',
];

// Words that typically open a sentence; a capitalized word after "etc." or "U.S." that is one of these
// means the abbreviation ended the sentence.
const OPENERS = new Set([
  'the', 'a', 'an', 'he', 'she', 'it', 'they', 'we', 'i', 'you', 'this', 'that', 'these', 'those', 'there',
  'but', 'and', 'or', 'so', 'yet', 'however', 'in', 'on', 'at', 'for', 'if', 'when', 'while', 'after', 'as',
  'his', 'her', 'its', 'their', 'our', 'my', 'what', 'who', 'why', 'how', 'where', 'some', 'many', 'most',
  'all', 'no', 'not', 'then', 'also', 'still', 'meanwhile', 'today', 'yesterday',
]);

const TERMINATOR = /[.!?…‼⁇⁈⁉。！？]/u;
const CLOSER = /["'”’»)\]}›」』]/u;
const OPENER_QUOTE = /["'“‘«([{‹「『¿¡]/u;
const CJK_STOP = /[。！？]/u;
const SPACE = /\s/u;
const UPPER = /[\p{Lu}\p{Lt}]/u;
const LOWER = /\p{Ll}/u;

/**
 * Splits text into sentences, returning trimmed sentence spans with offsets. A sentence ends at `.`, `!`, `?`,
 * `…` (or a run of them) plus any closing quotes and brackets, when whitespace and an uppercase letter, digit-free
 * opening quote or the end of text follow; CJK full stops end a sentence even without a space; a blank line always
 * ends one. A period does not end a sentence after a known abbreviation (`Mr.`, `e.g.`), after a single
 * initial (`J. R. R. Tolkien`), or before a lowercase word; after abbreviations that can end sentences
 * (`etc.`, `U.S.`) and after initials it ends one only when the next word is a common sentence opener.
 *
 * @param text the input; must be a well-formed string
 * @example
 * splitSentences('Mr. Smith lives in the U.S. He said "Hi." Then he left...').map((s) => s.text)
 * // → ['Mr. Smith lives in the U.S.', 'He said "Hi."', 'Then he left...']
 */
export function splitSentences(text: string, options: SplitSentencesOptions = {}): Token[] {
  checkText(text, 'text');
  check.options(options, 'options', ['abbreviations', 'finalAbbreviations']);
  const never = toSet(options.abbreviations ?? DEFAULT_ABBREVIATIONS, 'options.abbreviations');
  const maybe = toSet(options.finalAbbreviations ?? DEFAULT_FINAL_ABBREVIATIONS, 'options.finalAbbreviations');
  const sentences: Token[] = [];
  let sentenceStart = 0;
  const n = text.length;
  let i = 0;
  const emit = (end: number): void => {
    let s = sentenceStart;
    let e = end;
    while (s < e && SPACE.test(text[s] ?? '')) s++;
    while (e > s && SPACE.test(text[e - 1] ?? '')) e--;
    if (e > s) sentences.push({ text: text.slice(s, e), start: s, end: e });
    sentenceStart = end;
  };
  while (i < n) {
    const ch = text[i] ?? '';
    if (ch === '\n' && isBlankLine(text, i)) {
      emit(i);
      i++;
      continue;
    }
    if (!TERMINATOR.test(ch)) {
      i++;
      continue;
    }
    const termStart = i;
    while (i < n && TERMINATOR.test(text[i] ?? '')) i++;
    while (i < n && CLOSER.test(text[i] ?? '')) i++;
    const termEnd = i;
    const terminators = text.slice(termStart, termEnd);
    if (CJK_STOP.test(terminators) && !SPACE.test(text[termEnd] ?? ' ')) {
      emit(termEnd);
      continue;
    }
    if (termEnd < n && !SPACE.test(text[termEnd] ?? '')) continue;
    let j = termEnd;
    while (j < n && SPACE.test(text[j] ?? '')) j++;
    if (j >= n) break;
    if (shouldBreak(text, termStart, termEnd, j, never, maybe)) emit(termEnd);
    i = j;
  }
  emit(n);
  return sentences;
}

function shouldBreak(
  text: string,
  termStart: number,
  termEnd: number,
  next: number,
  never: ReadonlySet<string>,
  maybe: ReadonlySet<string>,
): boolean {
  let k = next;
  while (k < text.length && OPENER_QUOTE.test(text[k] ?? '')) k++;
  const first = text[k] ?? '';
  if (LOWER.test(first)) return false;
  const single = text[termStart];
  const isPeriod = single === '.' && (termStart + 1 >= text.length || text[termStart + 1] !== '.');
  if (!isPeriod) return true;
  const word = wordBefore(text, termStart);
  const lower = word.toLowerCase();
  if (never.has(lower)) return false;
  const initial = word.length === 1 && UPPER.test(word);
  // (Dotted abbreviations such as U.S.A are short; the length check keeps the pattern off megabyte-long "words".)
  if (initial || maybe.has(lower) || (word.length <= 64 && /^(?:\p{L}\.)+\p{L}$/u.test(word))) {
    return OPENERS.has(nextWord(text, k).toLowerCase());
  }
  return true;
}

function wordBefore(text: string, end: number): string {
  let s = end;
  while (s > 0 && !SPACE.test(text[s - 1] ?? '') && !OPENER_QUOTE.test(text[s - 1] ?? '')) s--;
  return text.slice(s, end);
}

function nextWord(text: string, start: number): string {
  const m = /^[\p{L}\p{M}']+/u.exec(text.slice(start, start + 40));
  return m === null ? '' : m[0];
}

function isBlankLine(text: string, i: number): boolean {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\n') return true;
    if (c !== ' ' && c !== '\t' && c !== '\r') return false;
  }
  return false;
}

function toSet(values: Iterable<string>, argument: string): ReadonlySet<string> {
  if (values === null || typeof values !== 'object' || !(Symbol.iterator in values)) {
    throw check.invalid(values, argument, 'an iterable of strings');
  }
  const set = new Set<string>();
  let i = 0;
  for (const v of values) {
    set.add(check.string(v, `${argument}[${i++}]`).toLowerCase().replace(/\.$/u, ''));
  }
  return set;
}
