/**
 * Character classes shared by the hand-written scanners. ASCII is looked up in a constant string (no table is
 * built at import time); everything else goes through Unicode property regexes.
 */

/** Class codes returned by {@link charClass}. */
export const OTHER = 0;
export const SPACE = 1;
export const LETTER = 2;
export const DIGIT = 3;
export const MARK = 4;
export const APOSTROPHE = 5;
export const HYPHEN = 6;
export const PICTOGRAPH = 7;
export const REGIONAL = 8;
export const JOINER = 9;

/**
 * One digit per ASCII code (exported so hot loops can index it directly): 0 other, 1 space, 2 letter, 3 digit, 5 apostrophe, 6 hyphen.
* Tab, LF, VT, FF, CR and the separators 0x1C-0x1F are spaces, as in Python's str.isspace.
 */
export const ASCII_CLASSES =
  '00000000011111000000000000001111100000050000060033333333330000000222222222222222222222222220000002222222222222222222222222200000';

const LETTER_RE = /\p{L}/u;
const DIGIT_RE = /\p{N}/u;
const MARK_RE = /\p{M}/u;
// Exactly Python's str.isspace beyond ASCII (JavaScript's \s would add U+FEFF and miss U+0085).
const SPACE_RE = /[\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const PICTO_RE = /\p{Extended_Pictographic}/u;

/** Classifies one code point (not a UTF-16 unit). */
export function charClass(cp: number): number {
  if (cp < 0x80) return ASCII_CLASSES.charCodeAt(cp) - 48;
  return wideClass(cp);
}

function wideClass(cp: number): number {
  if (cp === 0x2019 || cp === 0x02bc) return APOSTROPHE;
  if (cp === 0x2010 || cp === 0x2011) return HYPHEN;
  if (cp === 0x200d) return JOINER;
  if (cp >= 0x1f1e6 && cp <= 0x1f1ff) return REGIONAL;
  // Skin tones and emoji tag characters only ever continue an emoji sequence.
  if ((cp >= 0x1f3fb && cp <= 0x1f3ff) || (cp >= 0xe0020 && cp <= 0xe007f)) return MARK;
  const ch = String.fromCodePoint(cp);
  if (LETTER_RE.test(ch)) return LETTER;
  if (MARK_RE.test(ch)) return MARK;
  if (DIGIT_RE.test(ch)) return DIGIT;
  if (SPACE_RE.test(ch)) return SPACE;
  if (PICTO_RE.test(ch)) return PICTOGRAPH;
  return OTHER;
}

/** Code point at UTF-16 index `i` of a well-formed string. */
export function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
  }
  return c;
}
