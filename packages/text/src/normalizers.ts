import { InvalidArgumentError, describeValue } from '@nlpkit/core';
import { PKG, check, checkText } from './errors.js';

/**
 * Text normalizers: small `string → string` steps meant to be composed with {@link pipeline}. Each one validates
 * its input (a string without lone surrogates) and is idempotent: applying it twice gives the same result as once.
 */

/** Unicode canonical composition (NFC): `e` + U+0301 becomes `é`. Idempotent, and `nfc(x.normalize('NFD')) === nfc(x)`. */
export function nfc(text: string): string {
  checkText(text, 'text');
  return text.normalize('NFC');
}

/**
 * Unicode compatibility composition (NFKC): also folds compatibility characters (`ﬁ` → `fi`, full-width `Ａ` →
 * `A`, `²` → `2`). Lossy: use it for matching, not for display.
 */
export function nfkc(text: string): string {
  checkText(text, 'text');
  return text.normalize('NFKC');
}

/** Lowercases with the Unicode default mapping (or the rules of `locale`, e.g. `'tr'` for dotted/dotless i). */
export function lowercase(text: string, locale?: string): string {
  checkText(text, 'text');
  return locale === undefined ? text.toLowerCase() : text.toLocaleLowerCase(locale);
}

// One mark per match: `\p{Mn}+` overflows V8's regex stack on a run of millions of marks.
const COMBINING_MARKS = /\p{Mn}/gu;

/**
 * Removes accents and other nonspacing marks: `Crème Brûlée` → `Creme Brulee`, `São` → `Sao`. Letters that are
 * not a base letter plus a mark in Unicode (`ø`, `ß`, `đ`, `ł`) are kept as they are. The result is NFC.
 */
export function stripAccents(text: string): string {
  checkText(text, 'text');
  return text.normalize('NFD').replace(COMBINING_MARKS, '').normalize('NFC');
}

/** Options for {@link removePunctuation}. */
export interface RemovePunctuationOptions {
  /** What replaces each run of punctuation (default `' '`, so `end.Next` does not become `endNext`). */
  readonly replacement?: string;
  /** Also remove symbols (`\p{S}`: `$`, `+`, `©`, emoji); default false. */
  readonly symbols?: boolean;
}

/** Replaces each run of Unicode punctuation (`\p{P}`, and `\p{S}` with `symbols: true`) by a space. */
export function removePunctuation(text: string, options: RemovePunctuationOptions = {}): string {
  checkText(text, 'text');
  check.options(options, 'options', ['replacement', 'symbols']);
  const replacement = check.string(options.replacement ?? ' ', 'options.replacement');
  return replaceRuns(text, options.symbols ? PUNCTUATION_OR_SYMBOL_RUN : PUNCTUATION_RUN, replacement);
}

// Runs matched 4096 characters at a time: an unbounded `+` overflows V8's regex stack on a run of millions.
const PUNCTUATION_RUN = /\p{P}{1,4096}/gu;
const PUNCTUATION_OR_SYMBOL_RUN = /[\p{P}\p{S}]{1,4096}/gu;

/** Replaces each maximal run of `re`'s (bounded, global) class by `replacement`, in linear time. */
function replaceRuns(text: string, re: RegExp, replacement: string): string {
  let lastEnd = -1;
  return text.replace(re, (match: string, offset: number) => {
    // A piece of a longer run continues the previous match: the run was replaced already.
    const continues = offset === lastEnd;
    lastEnd = offset + match.length;
    return continues ? '' : replacement;
  });
}

/**
 * Penn Treebank style number normalization (as in the Mikolov PTB language-model data): every standalone
 * number (`42`, `3.14`, `1,000`, `-7`, `٣٤`) becomes `N`. Digits inside words (`mp3`, `4th`) are left alone.
 * Idempotent as long as `replacement` itself contains no digit. Exactly
 * `text.replace(/(?<![\p{L}\p{N}])[+-]?\p{N}+(?:[.,]\p{N}+)*(?![\p{L}\p{N}])/gu, replacement)`, scanned in linear
 * time without that expression (which overflows V8's regex stack on a run of millions of digits).
 */
export function normalizeNumbers(text: string, replacement = 'N'): string {
  checkText(text, 'text');
  check.string(replacement, 'replacement');
  const parts: string[] = [];
  let copied = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const signed = c === 0x2b || c === 0x2d;
    const digitsAt = signed ? i + 1 : i;
    if ((signed || isNumber(text, i)) && (i === 0 || !isWordBefore(text, i))) {
      // Groups of digits separated by single '.' or ','; the match ends after the last group that is not
      // followed by a letter or digit (only the last group can be: the others are followed by '.' or ',').
      let end = runEnd(NUMBER_RUN, text, digitsAt);
      if (end > digitsAt) {
        let lastGroup = -1;
        for (;;) {
          const sep = text.charCodeAt(end);
          if (sep !== 0x2e && sep !== 0x2c) break;
          const next = runEnd(NUMBER_RUN, text, end + 1);
          if (next === end + 1) break;
          lastGroup = end;
          end = next;
        }
        const matchEnd = !isWordAt(text, end) ? end : lastGroup;
        if (matchEnd > 0) {
          parts.push(text.slice(copied, i), replacement);
          copied = matchEnd;
          i = matchEnd;
          continue;
        }
      }
    }
    i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

const NUMBER_RUN = /\p{N}{1,4096}/uy;
const WORD_CHAR = /[\p{L}\p{N}]/uy;
const WORD_CHAR_BEFORE = /[\p{L}\p{N}]$/u;

/** End of the run of `re`'s class (a sticky pattern of bounded length) that starts at `i`. */
function runEnd(re: RegExp, text: string, i: number): number {
  let at = i;
  for (;;) {
    re.lastIndex = at;
    if (!re.test(text)) return at;
    const end = re.lastIndex;
    if (end - at < 4096) return end;
    at = end;
  }
}

function isNumber(text: string, i: number): boolean {
  NUMBER_RUN.lastIndex = i;
  return NUMBER_RUN.test(text);
}

function isWordAt(text: string, i: number): boolean {
  WORD_CHAR.lastIndex = i;
  return WORD_CHAR.test(text);
}

/** Whether the code point ending just before `i` is a letter or digit. */
function isWordBefore(text: string, i: number): boolean {
  return WORD_CHAR_BEFORE.test(text.slice(Math.max(0, i - 2), i));
}

/**
 * Whether the UTF-16 code unit `c` is whitespace for {@link collapseWhitespace}: JavaScript's `\s` (every one of
 * its characters is in the BMP) plus U+001C–U+001F and U+0085, which Python's `str.split()` also counts.
 */
function isSpaceUnit(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Trims the text and turns every run of whitespace (including newlines and Unicode spaces) into one space. One
 * scan: a run that is already a single U+0020 between words stays inside the slice being copied.
 */
export function collapseWhitespace(text: string): string {
  checkText(text, 'text');
  const n = text.length;
  const parts: string[] = [];
  let copied = 0; // text[copied, i) is still to be copied as it is
  let i = 0;
  while (i < n && isSpaceUnit(text.charCodeAt(i))) i++;
  copied = i;
  while (i < n) {
    if (!isSpaceUnit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const runStart = i;
    while (i < n && isSpaceUnit(text.charCodeAt(i))) i++;
    if (i === n) {
      parts.push(text.slice(copied, runStart)); // trailing run: trimmed
      copied = n;
    } else if (i - runStart > 1 || text.charCodeAt(runStart) !== 0x20) {
      parts.push(text.slice(copied, runStart), ' ');
      copied = i;
    }
  }
  if (copied < n) parts.push(text.slice(copied, n));
  return parts.length === 1 ? (parts[0] as string) : parts.join('');
}

/** Options for {@link expandAbbreviations}. */
export interface ExpandAbbreviationsOptions {
  /** Match abbreviations regardless of case (default false). */
  readonly ignoreCase?: boolean;
}

/**
 * Builds a step that replaces whole-word abbreviations from a user table: `{ 'e.g.': 'for example', "can't":
 * 'cannot' }`. Longer keys win over their prefixes; a key matches only when not preceded or followed by a
 * letter or digit.
 *
 * @param table abbreviation → expansion
 * @returns a `string → string` step
 */
export function expandAbbreviations(
  table: Readonly<Record<string, string>> | ReadonlyMap<string, string>,
  options: ExpandAbbreviationsOptions = {},
): (text: string) => string {
  if (table === null || typeof table !== 'object') throw check.invalid(table, 'table', 'an object or Map of strings');
  check.options(options, 'options', ['ignoreCase']);
  const entries: [unknown, unknown][] = table instanceof Map ? [...table.entries()] : Object.entries(table);
  const map = new Map<string, string>();
  for (const [k, v] of entries) {
    if (typeof k !== 'string' || k.length === 0 || typeof v !== 'string') {
      throw new InvalidArgumentError({
        package: PKG,
        argument: 'table',
        expected: 'a map from non-empty strings to strings',
        foundText: `an entry ${describeValue(k)} → ${describeValue(v)}`,
      });
    }
    map.set(options.ignoreCase ? k.toLowerCase() : k, v);
  }
  const keys = [...map.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const escaped = keys.map((k) => k.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})(?![\\p{L}\\p{N}])`, options.ignoreCase ? 'giu' : 'gu');
  return (text: string) => {
    checkText(text, 'text');
    if (map.size === 0) return text;
    return text.replace(re, (m) => map.get(options.ignoreCase ? m.toLowerCase() : m) ?? m);
  };
}
