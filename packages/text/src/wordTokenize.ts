import {
  ASCII_CLASSES,
  APOSTROPHE,
  DIGIT,
  HYPHEN,
  JOINER,
  LETTER,
  MARK,

  PICTOGRAPH,
  REGIONAL,
  SPACE,
  charClass,
  codePointAt,
} from './charClass.js';
import type { Token } from '@nlpkit/core';
import { checkText } from './errors.js';

// Sticky patterns tried only where a cheap check says they may match, so plain prose never pays for them.
const URL_RE = /(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>"'`()[\]{}]+/iuy;
const EMAIL_RE = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/uy;
// Trailing sentence punctuation belongs to the sentence, not to the URL.
const URL_TAIL = '.,;:!?';

/**
 * Splits text into words with offsets. A word is a run of letters (`\p{L}`), digits and combining marks, so
 * `São`, `fußball` and `vélib` stay whole; an apostrophe or hyphen between two word characters stays inside
 * (`don't`, `l'homme`, `term-end`), as do `.` and `,` between digits (`3.14`, `1,000`). URLs and e-mail
 * addresses are single tokens. Emoji are single tokens including modifiers, variation selectors and ZWJ
 * sequences (👩‍👩‍👧), and a pair of regional indicators (a flag, 🇫🇷) is one token. Any other visible
 * character is its own token, except that a run of the same character (`...`, `--`, `''`) is one token.
 * Letters of scripts written without spaces (Chinese, Japanese, Thai) form one token per run.
 *
 * @param text the input; must be a well-formed string
 * @returns tokens in order, each with `text === input.slice(start, end)`
 * @throws InvalidArgumentError when `text` is not a string; {@link MalformedTextError} on a lone surrogate
 * @example
 * wordTokenize("São Paulo's café ☕ costs 3.50€")
 * // → São, Paulo's, café, ☕, costs, 3.50, € (each with start and end)
 */
export function wordTokenize(text: string): Token[] {
  checkText(text, 'text');
  const scanner = newScanner(text);
  const tokens: Token[] = [];
  const n = text.length;
  let start = skipSpaces(text, 0, n);
  while (start < n) {
    const end = tokenEnd(scanner, start);
    tokens.push({ text: text.slice(start, end), start, end });
    start = skipSpaces(text, end, n);
  }
  return tokens;
}

/**
 * The offsets of {@link wordTokenize}'s tokens without building token objects: `[start0, end0, start1, end1, …]`.
 * Several times faster when only positions are needed (highlighting, counting, feeding a vocabulary lookup).
 *
 * @param text the input; must be a well-formed string
 * @returns a `Uint32Array` of twice the token count
 */
export function wordSpans(text: string): Uint32Array {
  checkText(text, 'text');
  const scanner = newScanner(text);
  const n = text.length;
  // Room for one token per four characters to start with; doubled when full.
  let spans = new Uint32Array(2 * ((n >> 2) + 16));
  let count = 0;
  let start = skipSpaces(text, 0, n);
  while (start < n) {
    const end = tokenEnd(scanner, start);
    if (count === spans.length) {
      const grown = new Uint32Array(spans.length * 2);
      grown.set(spans);
      spans = grown;
    }
    spans[count] = start;
    spans[count + 1] = end;
    count += 2;
    start = skipSpaces(text, end, n);
  }
  return spans.subarray(0, count);
}

/** Per-call scanning state: where the next '@' and "://" are, so e-mail and URL checks cost nothing elsewhere. */
interface Scanner {
  readonly text: string;
  readonly n: number;
  at: number;
  scheme: number;
}

function newScanner(text: string): Scanner {
  return { text, n: text.length, at: text.indexOf('@'), scheme: text.indexOf('://') };
}

/** Index of the first non-space character at or after `i` (or `n`). */
function skipSpaces(text: string, i: number, n: number): number {
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (ASCII_CLASSES.charCodeAt(c) !== 49) return i;
      i++;
    } else {
      const cp = codePointAt(text, i);
      if (charClass(cp) !== SPACE) return i;
      i += cp > 0xffff ? 2 : 1;
    }
  }
  return n;
}

/** End of the token that starts at `i` (a non-space character). */
function tokenEnd(scanner: Scanner, i: number): number {
  const { text, n } = scanner;
  const c = text.charCodeAt(i);
  let cls: number;
  let width = 1;
  if (c < 0x80) {
    cls = ASCII_CLASSES.charCodeAt(c) - 48;
  } else {
    const cp = codePointAt(text, i);
    width = cp > 0xffff ? 2 : 1;
    cls = charClass(cp);
  }
  const end = i + width;
  if (cls === LETTER || cls === DIGIT) {
    let special = 0;
    if (scanner.at !== -1) {
      if (scanner.at < i) scanner.at = text.indexOf('@', i);
      if (scanner.at !== -1 && scanner.at - i < 128) special = matchSticky(EMAIL_RE, text, i);
    }
    if (special === 0 && scanner.scheme !== -1) {
      if (scanner.scheme < i) scanner.scheme = text.indexOf('://', i);
      // A scheme ("https://", "ftp://") is short, so "://" must follow within a few characters.
      if (scanner.scheme !== -1 && scanner.scheme - i <= 12) special = trimUrl(text, i, matchSticky(URL_RE, text, i));
    }
    if (special === 0 && (c === 0x77 || c === 0x57) && isWww(text, i)) {
      special = trimUrl(text, i, matchSticky(URL_RE, text, i));
    }
    return special > 0 ? i + special : scanWord(text, end, n);
  }
  if (cls === PICTOGRAPH) return scanEmoji(text, end, n);
  if (cls === REGIONAL) return end < n && charClass(codePointAt(text, end)) === REGIONAL ? end + 2 : end;
  if (cls === MARK || cls === JOINER) return scanMarks(text, end, n);
  // Runs of one repeated character ("...", "--", "''", "!!!") read as one symbol.
  let j = end;
  while (j + width <= n && text.charCodeAt(j) === c && (width === 1 || text.charCodeAt(j + 1) === text.charCodeAt(i + 1))) {
    j += width;
  }
  return scanMarks(text, j, n);
}

function scanWord(text: string, j: number, n: number): number {
  while (j < n) {
    const c = text.charCodeAt(j);
    let cls: number;
    let width = 1;
    if (c < 0x80) {
      cls = ASCII_CLASSES.charCodeAt(c) - 48;
      // The common case: one more ASCII letter or digit.
      if (cls === LETTER || cls === DIGIT) {
        j++;
        continue;
      }
    } else {
      const cp = codePointAt(text, j);
      width = cp > 0xffff ? 2 : 1;
      cls = charClass(cp);
    }
    if (cls === LETTER || cls === DIGIT || cls === MARK) {
      j += width;
      continue;
    }
    if (j + 1 >= n) break;
    if (cls === APOSTROPHE || cls === HYPHEN) {
      const next = charClass(codePointAt(text, j + 1));
      if (next === LETTER || next === DIGIT) {
        j += 1;
        continue;
      }
      break;
    }
    if ((c === 0x2e || c === 0x2c) && isAsciiDigit(text.charCodeAt(j - 1)) && isAsciiDigit(text.charCodeAt(j + 1))) {
      j += 1;
      continue;
    }
    break;
  }
  return j;
}

function isAsciiDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function scanMarks(text: string, j: number, n: number): number {
  while (j < n) {
    const cp = codePointAt(text, j);
    if (cp < 0x80 || charClass(cp) !== MARK) break;
    j += cp > 0xffff ? 2 : 1;
  }
  return j;
}

function scanEmoji(text: string, j: number, n: number): number {
  for (;;) {
    j = scanMarks(text, j, n);
    if (j + 1 < n && text.charCodeAt(j) === 0x200d) {
      const cp = codePointAt(text, j + 1);
      if (charClass(cp) === PICTOGRAPH) {
        j += 1 + (cp > 0xffff ? 2 : 1);
        continue;
      }
    }
    return j;
  }
}

function isWww(text: string, i: number): boolean {
  return (
    (text.charCodeAt(i) | 0x20) === 0x77 &&
    (text.charCodeAt(i + 1) | 0x20) === 0x77 &&
    (text.charCodeAt(i + 2) | 0x20) === 0x77 &&
    text.charCodeAt(i + 3) === 0x2e
  );
}

function matchSticky(re: RegExp, text: string, i: number): number {
  re.lastIndex = i;
  return re.test(text) ? re.lastIndex - i : 0;
}

function trimUrl(text: string, i: number, length: number): number {
  // A backward scan: /[.,;:!?]+$/ would retry at every character of a long run of dots (quadratic).
  let end = i + length;
  while (end > i && URL_TAIL.includes(text.charAt(end - 1))) end--;
  return length === 0 ? 0 : end - i;
}

