import type { Token } from '@nlpkit/core';
import { checkText } from './errors.js';

/** Options for {@link characterTokenize}. */
export interface CharacterTokenizeOptions {
  /** Drop whitespace characters instead of returning them as tokens (default false). */
  readonly skipWhitespace?: boolean;
  /** Locale for grapheme segmentation (default: the runtime's). Grapheme rules barely vary by locale. */
  readonly locale?: string;
}

const WHITESPACE_RE = /^\s+$/u;

/**
 * Code units handed to `Intl.Segmenter` at a time. Segmenting one string costs time proportional to the square
 * of its length in V8 (Node 20: 150k characters take minutes), so text is segmented in windows of this size.
 */
const WINDOW = 256;

/**
 * Splits text into user-perceived characters (extended grapheme clusters, via `Intl.Segmenter`): `é` written
 * as `e` + U+0301, a flag, or a family emoji joined with ZWJ each come back as one token.
 *
 * Linear in the length of the text: runs of ASCII and of common letters, spaces and ideographs (accented
 * Latin, Greek, Cyrillic, kana, CJK, Hangul syllables) are split without the segmenter, and everything else is
 * segmented in short windows that restart at a cluster boundary (a cluster longer than a window, such as a
 * letter with a million combining marks, gets a window as long as it needs). The result is exactly the
 * segmentation of the whole string.
 *
 * @param text the input; must be a well-formed string
 * @example
 * characterTokenize('ne\u0301 🇫🇷').map((t) => t.text) // → ['n', 'é', ' ', '🇫🇷']
 */
export function characterTokenize(text: string, options: CharacterTokenizeOptions = {}): Token[] {
  checkText(text, 'text');
  const segmenter = new Intl.Segmenter(options.locale, { granularity: 'grapheme' });
  const skip = options.skipWhitespace === true;
  const tokens: Token[] = [];
  const push = (start: number, end: number): void => {
    const segment = text.slice(start, end);
    if (skip && WHITESPACE_RE.test(segment)) return;
    tokens.push({ text: segment, start, end });
  };
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (isBoundary(text, i + 1, n)) {
      // The common case: an ASCII or plain character that nothing can extend.
      push(i, i + 1);
      i++;
    } else if (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10 && isBoundary(text, i + 2, n)) {
      push(i, i + 2);
      i += 2;
    } else {
      // A stretch that needs the segmenter, up to the next position known to be a boundary.
      let end = i + 1;
      while (end < n && !isBoundary(text, end, n)) end++;
      segmentRange(segmenter, text, i, end, push);
      i = end;
    }
  }
  return tokens;
}

/**
 * Whether a grapheme cluster boundary is certain at `k` from the two code units around it alone: at either end
 * of the text; after an ASCII control other than CR before LF (rule GB4: always a break after controls); and
 * between two characters that are each ASCII or {@link isPlain} otherwise (GB999: neither extends, prepends, joins
 * or pairs with anything, and the only ASCII pair that does not break is CR LF). Anything else is left to
 * `Intl.Segmenter`.
 */
function isBoundary(text: string, k: number, n: number): boolean {
  if (k <= 0 || k >= n) return true;
  const a = text.charCodeAt(k - 1);
  const b = text.charCodeAt(k);
  if (a < 0x80) {
    if (a === 13) return b !== 10;
    if (a < 0x20 || a === 0x7f) return true;
  } else if (!isPlain(a)) return false;
  return b < 0x80 || isPlain(b);
}

/**
 * Non-ASCII BMP characters whose Grapheme_Cluster_Break is Other and that no rule joins to a neighbour that is
 * ASCII or plain: most letters of accented Latin, Greek and Cyrillic text, Unicode spaces and punctuation, kana,
 * CJK ideographs, Hangul syllables (LV/LVT, which join only to jamo: not plain) and fullwidth forms. Left out where
 * a block holds a mark or a format character: U+00AD (Control), U+0300–U+036F and U+0483–U+0489 (Extend),
 * U+200B–U+200F and U+2028–U+202E (Control, ZWJ, ZWNJ), U+302A–U+302F and U+3099–U+309A (Extend), U+FF9E–U+FF9F
 * (Extend), and every jamo. A test checks each of them against `Intl.Segmenter`.
 */
export function isPlain(c: number): boolean {
  if (c < 0x3000) {
    return (c >= 0xa0 && c <= 0x2ff && c !== 0xad) || (c >= 0x370 && c <= 0x482) || (c >= 0x48a && c <= 0x52f) ||
      (c >= 0x2000 && c <= 0x200a) || (c >= 0x2010 && c <= 0x2027) || (c >= 0x202f && c <= 0x205f);
  }
  return (c <= 0x3029) || (c >= 0x3030 && c <= 0x3098) || (c >= 0x309b && c <= 0x30ff) || (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xff01 && c <= 0xff9d);
}

/**
 * Segments `text[from, to)`, where both ends are cluster boundaries, in windows of {@link WINDOW} code units.
 * Each window starts at a boundary; its clusters are final except the last one (a cluster break depends only on
 * what precedes it back to the previous boundary and on the one code point after it, so only the window's end can
 * be wrong), where the next window starts. A window holding a single unfinished cluster is doubled until the
 * cluster ends; then only that first cluster is taken from it, because each step of the segmenter costs time in
 * proportion to the length of the string it segments.
 */
function segmentRange(
  segmenter: Intl.Segmenter,
  text: string,
  from: number,
  to: number,
  push: (start: number, end: number) => void,
): void {
  let p = from;
  let size = WINDOW;
  while (p < to) {
    let e = Math.min(to, p + size);
    // Never cut a surrogate pair.
    if (e < to && isHighSurrogate(text.charCodeAt(e - 1))) e++;
    const iterator = segmenter.segment(text.slice(p, e))[Symbol.iterator]();
    iterator.next(); // the first segment starts at 0
    let previous = 0;
    let next = iterator.next();
    if (next.done === true && e < to) {
      // One cluster fills the window: look further.
      size *= 2;
      continue;
    }
    if (size > WINDOW) {
      // The long cluster just found ends inside this (long) window: take it alone.
      const end = next.done === true ? e - p : next.value.index;
      push(p, p + end);
      p += end;
      size = WINDOW;
      continue;
    }
    while (next.done !== true) {
      push(p + previous, p + next.value.index);
      previous = next.value.index;
      next = iterator.next();
    }
    if (e === to) push(p + previous, to);
    p = e === to ? to : p + previous;
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
