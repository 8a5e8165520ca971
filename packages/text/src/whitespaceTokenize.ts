import { SPACE, charClass } from './charClass.js';
import type { Token } from '@nlpkit/core';
import { checkText } from './errors.js';

/**
 * Splits on Unicode whitespace (the characters Python's `str.split()` splits on: ASCII and Unicode spaces,
 * line and paragraph separators), keeping offsets.
 *
 * @param text the input; must be a well-formed string
 * @returns the maximal runs of non-whitespace characters
 * @example
 * whitespaceTokenize('  déjà  vu\n') // → [{ text: 'déjà', start: 2, end: 6 }, { text: 'vu', start: 8, end: 10 }]
 */
export function whitespaceTokenize(text: string): Token[] {
  checkText(text, 'text');
  const tokens: Token[] = [];
  const n = text.length;
  let start = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // Surrogates are never whitespace, so classifying UTF-16 units one by one is enough here.
    const space = c < 0x80 ? charClass(c) === SPACE : c >= 0xd800 && c <= 0xdfff ? false : charClass(c) === SPACE;
    if (space) {
      if (start !== -1) {
        tokens.push({ text: text.slice(start, i), start, end: i });
        start = -1;
      }
    } else if (start === -1) {
      start = i;
    }
  }
  if (start !== -1) tokens.push({ text: text.slice(start, n), start, end: n });
  return tokens;
}
