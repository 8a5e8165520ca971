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

const COMBINING_MARKS = /\p{Mn}+/gu;

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
  const re = options.symbols ? /[\p{P}\p{S}]+/gu : /\p{P}+/gu;
  return text.replace(re, replacement);
}

const NUMBER = /(?<![\p{L}\p{N}])[+-]?\p{N}+(?:[.,]\p{N}+)*(?![\p{L}\p{N}])/gu;

/**
 * Penn Treebank style number normalization (as in the Mikolov PTB language-model data): every standalone
 * number (`42`, `3.14`, `1,000`, `-7`, `٣٤`) becomes `N`. Digits inside words (`mp3`, `4th`) are left alone.
 * Idempotent as long as `replacement` itself contains no digit.
 */
export function normalizeNumbers(text: string, replacement = 'N'): string {
  checkText(text, 'text');
  check.string(replacement, 'replacement');
  return text.replace(NUMBER, replacement);
}

const SPACES = /[\s\u001c-\u001f\u0085]+/gu; // eslint-disable-line no-control-regex -- \s plus the separators Python also counts as whitespace

/** Trims the text and turns every run of whitespace (including newlines and Unicode spaces) into one space. */
export function collapseWhitespace(text: string): string {
  checkText(text, 'text');
  return text.replace(SPACES, ' ').trim();
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
