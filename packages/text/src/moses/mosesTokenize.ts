import { check } from '../errors.js';
import { DEFAULT_ABBREVIATIONS } from '../splitSentences.js';
import { mosesEscape } from './mosesEscape.js';

/** Options of {@link mosesTokenize}. */
export interface MosesTokenizeOptions {
  /**
   * Language code as Moses takes it (`-l`): `en` splits English clitics (`john 's`), `fr`/`it`/`ga` keep elisions
   * on the left (`l' homme`), every other language splits apostrophes off on both sides. Default `'en'`.
   */
  readonly language?: string;
  /** Split hyphens between letters or digits into ` @-@ ` (Moses' `-a`). Default false. */
  readonly aggressiveDashSplits?: boolean;
  /** Escape `& | < > ' " [ ]` as Moses does (`&apos;`, `&quot;`, ...). Default true; false is Moses' `-no-escape`. */
  readonly escape?: boolean;
  /**
   * Words that keep a following period attached (`Mr.`, `e.g.`), as Moses' `nonbreaking_prefix.<lang>` files list
   * them (case-sensitive, without the period). Default: single letters and common English and German titles and
   * abbreviations, unambiguous lower-case ones (`e.g`, `vs`), and for `de` lower-case letters and the numbers 1–99; pass Moses' own
   * `nonbreaking_prefix.<lang>` entries for output identical to a given Moses setup.
   */
  readonly nonbreakingPrefixes?: Iterable<string>;
  /** Prefixes that keep their period only before a number (`No. 5`, `Art. 3`). Default: `No`, `Nos`, `Art`, `Nr`, `pp`. */
  readonly numericOnlyPrefixes?: Iterable<string>;
}

// Perl's \s on Unicode strings (not JavaScript's: no U+FEFF).
const WS = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SPACES = new RegExp(`[${WS}]+`, 'gu');
const SPLIT = new RegExp(`[${WS}]`, 'u');
const SPECIAL = new RegExp(`([^\\p{Alphabetic}\\p{Nd}${WS}.'\`,\\-])`, 'gu');
const AGGRESSIVE = /([\p{Alphabetic}\p{Nd}])-(?=[\p{Alphabetic}\p{Nd}])/gu;
const FINAL_PERIOD = new RegExp(`^([^${WS}]+)\\.$`, 'u');

const DEFAULT_NUMERIC_ONLY: ReadonlySet<string> = new Set(['No', 'Nos', 'Art', 'Nr', 'pp']);

const defaultPrefixes = new Map<string, ReadonlySet<string>>();

/**
 * Our default nonbreaking prefixes (not Moses' lists): upper-case single letters (initials), capitalised titles and
 * abbreviations, lower-case abbreviations only where they are unambiguous (`e.g`, `i.e`, `vs`, `cf`, ...), and for
 * German the numbers 1–99 (ordinals: `am 3. Mai`).
 */
function defaultNonbreaking(language: string): ReadonlySet<string> {
  let set = defaultPrefixes.get(language);
  if (set === undefined) {
    const words: string[] = [];
    for (let c = 65; c <= 90; c++) words.push(String.fromCharCode(c));
    if (language === 'de') for (let c = 97; c <= 122; c++) words.push(String.fromCharCode(c));
    for (const w of DEFAULT_ABBREVIATIONS) {
      words.push(w.charAt(0).toUpperCase() + w.slice(1));
      if (w.includes('.') || LOWER_OK.has(w)) words.push(w);
    }
    if (language === 'de') for (let n = 1; n <= 99; n++) words.push(String(n));
    set = new Set(words.filter((w) => !DEFAULT_NUMERIC_ONLY.has(w)));
    defaultPrefixes.set(language, set);
  }
  return set;
}

const LOWER_OK: ReadonlySet<string> = new Set(['vs', 'v', 'cf', 'viz', 'al', 'approx', 'usw', 'bzw', 'ca']);

function stringSet(value: Iterable<string> | undefined, argument: string, fallback: () => ReadonlySet<string>): ReadonlySet<string> {
  if (value === undefined) return fallback();
  if (typeof value === 'string' || typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw check.invalid(value, argument, 'an iterable of strings');
  }
  const set = new Set<string>();
  let i = 0;
  for (const item of value) set.add(check.string(item, `${argument}[${i++}]`));
  return set;
}

function splitApostrophes(s: string, language: string): string {
  if (language === 'en') {
    return s
      .replace(/([^\p{Alphabetic}])'([^\p{Alphabetic}])/gu, "$1 ' $2")
      .replace(/([^\p{Alphabetic}\p{N}])'(\p{Alphabetic})/gu, "$1 ' $2")
      .replace(/(\p{Alphabetic})'([^\p{Alphabetic}])/gu, "$1 ' $2")
      .replace(/(\p{Alphabetic})'(\p{Alphabetic})/gu, "$1 '$2")
      .replace(/(\p{N})'(s)/gu, "$1 '$2");
  }
  if (language === 'fr' || language === 'it' || language === 'ga') {
    return s
      .replace(/([^\p{Alphabetic}])'([^\p{Alphabetic}])/gu, "$1 ' $2")
      .replace(/([^\p{Alphabetic}])'(\p{Alphabetic})/gu, "$1 ' $2")
      .replace(/(\p{Alphabetic})'([^\p{Alphabetic}])/gu, "$1 ' $2")
      .replace(/(\p{Alphabetic})'(\p{Alphabetic})/gu, "$1' $2");
  }
  return s.replace(/'/g, " ' ");
}

/**
 * Moses' `tokenizer.perl` (version 1.1, the one Multi30k, WMT and most NMT papers tokenized with) for one line:
 * splits punctuation off words except inside numbers (`1,000.5`), keeps runs of periods together, splits
 * clitics by language, splits a final period off a word unless the word is a nonbreaking prefix, contains a
 * period itself (`U.S.`), or the next word starts lower-case; then escapes as Moses does. Returns the tokens;
 * `mosesTokenize(line).join(' ')` is the Perl script's output line.
 *
 * @example
 * mosesTokenize("The kid's toys cost $5.50, don't they?");
 * // ['The', 'kid', '&apos;s', 'toys', 'cost', '$', '5.50', ',', 'don', '&apos;t', 'they', '?']
 */
export function mosesTokenize(line: string, options: MosesTokenizeOptions = {}): string[] {
  check.string(line, 'line');
  check.options(options, 'options', ['language', 'aggressiveDashSplits', 'escape', 'nonbreakingPrefixes', 'numericOnlyPrefixes']);
  const language = options.language === undefined ? 'en' : check.string(options.language, 'options.language');
  const aggressive = options.aggressiveDashSplits === undefined ? false : check.boolean(options.aggressiveDashSplits, 'options.aggressiveDashSplits');
  const escape = options.escape === undefined ? true : check.boolean(options.escape, 'options.escape');
  const prefixes = stringSet(options.nonbreakingPrefixes, 'options.nonbreakingPrefixes', () => defaultNonbreaking(language));
  const numericOnly = stringSet(options.numericOnlyPrefixes, 'options.numericOnlyPrefixes', () => DEFAULT_NUMERIC_ONLY);

  let s = ` ${line.replace(/\n$/, '')} `.replace(SPACES, ' ');
  // eslint-disable-next-line no-control-regex -- Moses drops ASCII control characters.
  s = s.replace(/[\x00-\x1f]/g, '');
  if (s.trim() === '') return [];
  s = s.replace(/ +/g, ' ').replace(/^ /, '').replace(/ $/, '');
  s = s.replace(SPECIAL, ' $1 ');
  if (aggressive) s = s.replace(AGGRESSIVE, '$1 @-@ ');
  // Runs of periods become one DOTMULTI token until the end.
  s = s.replace(/\.(\.+)/g, ' DOTMULTI$1');
  while (/DOTMULTI\./.test(s)) {
    s = s.replace(/DOTMULTI\.([^.])/g, 'DOTDOTMULTI $1').replace(/DOTMULTI\./g, 'DOTDOTMULTI');
  }
  // Commas, except inside numbers.
  s = s.replace(/([^\p{N}]),/gu, '$1 , ').replace(/,([^\p{N}])/gu, ' , $1').replace(/(\p{N}),$/u, '$1 ,');
  s = splitApostrophes(s, language);

  const words = s.split(SPLIT);
  let out = '';
  for (let i = 0; i < words.length; i++) {
    let word = words[i]!;
    const match = FINAL_PERIOD.exec(word);
    if (match !== null) {
      const pre = match[1]!;
      const next = i < words.length - 1 ? words[i + 1]! : undefined;
      const keep =
        (pre.includes('.') && /\p{Alphabetic}/u.test(pre)) ||
        prefixes.has(pre) ||
        (next !== undefined && /^\p{Lowercase}/u.test(next)) ||
        (numericOnly.has(pre) && next !== undefined && /^[0-9]+/.test(next));
      if (!keep) word = `${pre} .`;
    }
    out += `${word} `;
  }
  s = out.replace(/ +/g, ' ').replace(/^ /, '').replace(/ $/, '');
  s = s.replace(/\.' ?$/, " . ' ");
  while (s.includes('DOTDOTMULTI')) s = s.replace(/DOTDOTMULTI/g, 'DOTMULTI.');
  s = s.replace(/DOTMULTI/g, '.');
  if (escape) s = mosesEscape(s);
  return s.split(' ').filter((token) => token !== '');
}
