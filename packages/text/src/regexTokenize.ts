import type { Token } from '@nlpkit/core';
import { check, checkText, withRegexStack } from './errors.js';

/** Options for {@link regexTokenize}. */
export interface RegexTokenizeOptions {
  /**
   * When true the pattern matches the separators between tokens (like `String.prototype.split`); when false
   * (the default) it matches the tokens themselves.
   */
  readonly gaps?: boolean;
}

/**
 * Tokenizes with a regular expression, keeping offsets. The pattern is used as given except that the `g` flag
 * is added (flags such as `u` and `i` are kept); the caller's RegExp object is never mutated. Empty matches are
 * skipped, so a pattern like `/\w* /` cannot loop forever or produce empty tokens. Linear in the text for the
 * usual token patterns; a pattern whose quantifier overflows V8's regex stack on a run of millions of characters
 * (`/\s+/u` over ten million U+3000) throws an `UnsupportedError` with code `ERR_REGEX_STACK`.
 *
 * @param text the input; must be a well-formed string
 * @param pattern the token pattern (or separator pattern with `gaps: true`)
 * @example
 * regexTokenize('a1-b22', /\d+/u) // → 1 (1..2), 22 (4..6)
 * regexTokenize('a, b,c', /,\s?/u, { gaps: true }) // → a, b, c
 */
export function regexTokenize(text: string, pattern: RegExp, options: RegexTokenizeOptions = {}): Token[] {
  checkText(text, 'text');
  if (!(pattern instanceof RegExp)) throw check.invalid(pattern, 'pattern', 'a RegExp');
  check.options(options, 'options', ['gaps']);
  const flags = pattern.flags.includes('g') ? pattern.flags.replace('y', '') : pattern.flags.replace('y', '') + 'g';
  const re = new RegExp(pattern.source, flags);
  const tokens: Token[] = [];
  const unicode = re.unicode || (re as { unicodeSets?: boolean }).unicodeSets === true;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = withRegexStack('pattern', () => re.exec(text))) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    if (end === start) {
      // Step past an empty match by a whole code point in Unicode mode, as String.prototype.matchAll does.
      const c = text.charCodeAt(start);
      re.lastIndex = start + (unicode && c >= 0xd800 && c <= 0xdbff ? 2 : 1);
      if (!options.gaps) continue;
      if (start === 0 || start === text.length) continue;
    }
    if (options.gaps) {
      if (start > last) tokens.push({ text: text.slice(last, start), start: last, end: start });
      last = end;
    } else {
      tokens.push({ text: m[0], start, end });
    }
  }
  if (options.gaps && last < text.length) tokens.push({ text: text.slice(last), start: last, end: text.length });
  return tokens;
}
