/**
 * The hand-written scanning pieces of {@link readArpa}: a line cursor that walks text without splitting it into
 * line strings, an exact fast float parser, and a word table that maps a character range to a word id without
 * slicing it. Together they replaced `split('\n')`, a regex per number and a string per word, which made reading
 * the PTB order-5 ARPA (97 MB, 2.3 M n-grams) take 5–10 s.
 */
import { describeValue } from '@nlpkit/core';
import { ArpaFormatError } from './errors.js';

/** Longest line {@link LineCursor} accepts by default (characters); no ARPA writer comes near it. */
export const MAX_LINE_LENGTH = 1 << 20;

/**
 * Lines of text arriving in chunks of any size. After {@link LineCursor.next} returns true, the current line is
 * `text.slice(start, end)` (without `\n`, trailing `\r`s removed up to `crs`), and `lineNo` its 1-based number.
 *
 * Linear in its input however it is chunked: a chunk is scanned where it is (no copy), and a line that straddles
 * chunks is collected as pieces that are searched once each and joined once. A line longer than `maxLine`
 * characters throws, so input without newlines — binary data, `\r`-only line ends —
 * is rejected after reading `maxLine` characters instead of being held whole.
 */
export class LineCursor {
  text = '';
  start = 0;
  end = 0;
  lineNo = 0;
  #pos = 0;
  #done = false;
  /** A chunk whose first line was joined to the previous chunk's tail; scanned from `#pendingPos` next. */
  #pending: string | undefined = undefined;
  #pendingPos = 0;
  readonly #chunks: Iterator<string>;
  readonly #emptyTail: boolean;
  readonly #crs: number;
  readonly #maxLine: number;

  /**
   * @param emptyTail whether text ending in `\n` has one more, empty, line (as `split('\n')` says).
   * @param crs how many trailing `\r` to strip from a line.
   * @param maxLine longest line accepted; a longer one throws an {@link ArpaFormatError} ({@link longLineError}).
   */
  constructor(chunks: Iterable<string>, emptyTail: boolean, crs = 1, maxLine = MAX_LINE_LENGTH) {
    this.#chunks = chunks[Symbol.iterator]();
    this.#emptyTail = emptyTail;
    this.#crs = crs;
    this.#maxLine = maxLine;
  }

  /** Advances to the next line; false at the end of the text. */
  next(): boolean {
    for (;;) {
      if (this.#pending !== undefined) {
        this.text = this.#pending;
        this.#pos = this.#pendingPos;
        this.#pending = undefined;
      }
      const text = this.text;
      const pos = this.#pos;
      const nl = text.indexOf('\n', pos);
      if (nl >= 0) {
        if (nl - pos > this.#maxLine) this.#tooLong(text.slice(pos, pos + 64));
        this.#pos = nl + 1;
        return this.#line(pos, nl);
      }
      if (this.#done) {
        if (pos > text.length || (pos === text.length && !this.#emptyTail)) return false;
        if (text.length - pos > this.#maxLine) this.#tooLong(text.slice(pos, pos + 64));
        this.#pos = text.length + 1;
        return this.#line(pos, text.length);
      }
      const rest = pos < text.length ? text.slice(pos) : '';
      if (rest.length > this.#maxLine) this.#tooLong(rest.slice(0, 64));
      const r = this.#chunks.next();
      if (r.done) {
        this.#done = true;
        continue;
      }
      if (rest === '') {
        // Scanning a concatenation is slower than scanning the decoder's flat string: scan the chunk in place.
        this.text = r.value;
        this.#pos = 0;
        continue;
      }
      if (this.#straddle(rest, r.value)) return this.#line(0, this.text.length);
    }
  }

  /**
   * Collects a line that began in an earlier chunk: each further chunk is searched for `\n` once, and the pieces
   * are joined once (never re-searching what was already scanned, which made newline-free input quadratic).
   * True when the line is complete (it is then `this.text`); false when the text ended first.
   */
  #straddle(rest: string, chunk: string): boolean {
    const pieces = [rest];
    let length = rest.length;
    for (;;) {
      const first = chunk.indexOf('\n');
      if (first >= 0) {
        if (length + first > this.#maxLine) this.#tooLong(pieces[0]!.slice(0, 64));
        pieces.push(chunk.slice(0, first));
        this.text = pieces.join('');
        this.#pos = this.text.length + 1;
        this.#pending = chunk;
        this.#pendingPos = first + 1;
        return true;
      }
      pieces.push(chunk);
      length += chunk.length;
      if (length > this.#maxLine) this.#tooLong(pieces[0]!.slice(0, 64));
      const r = this.#chunks.next();
      if (r.done) {
        this.#done = true;
        this.text = pieces.join('');
        this.#pos = 0;
        return false;
      }
      chunk = r.value;
    }
  }

  #tooLong(sample: string): never {
    throw longLineError(this.lineNo + 1, this.#maxLine, sample);
  }

  /** The current line as a string. */
  line(): string {
    return this.text.slice(this.start, this.end);
  }

  #line(start: number, end: number): boolean {
    for (let k = 0; k < this.#crs && end > start && this.text.charCodeAt(end - 1) === 13; k++) end--;
    this.start = start;
    this.end = end;
    this.lineNo++;
    return true;
  }
}

/** The error for a line over `maxLine` characters, naming what the text probably is. */
export function longLineError(lineNo: number, maxLine: number, sample: string): ArpaFormatError {
  const what = sample.includes('\0')
    ? 'binary data, not ARPA text'
    : sample.includes('\r')
      ? 'lines that end in \\r only (old Mac line ends): convert them to \\n or \\r\\n'
      : 'not ARPA text';
  return new ArpaFormatError(`line is longer than ${maxLine} characters: ${what} (it starts ${describeValue(sample)})`, lineNo);
}

/** Whether `c` separates ARPA fields and words as KenLM reads them (its `kARPASpaces`: tab, LF, CR, space). */
export function isArpaSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

// Exactly representable powers of ten: a product or quotient of two exact doubles is correctly rounded.
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * `Number(text.slice(from, to))` for decimal numbers of the form `[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?` whose
 * digits fit in 53 bits and whose power of ten is within ±22 — every number an ARPA writer prints. The mantissa is
 * then an exact integer m and the result m × 10^k or m / 10^k is one correctly rounded operation, i.e. exactly
 * what `Number` returns (Clinger's fast path). Anything else — other syntax, longer mantissas — returns NaN so the
 * caller falls back to the general (validating) parser.
 */
export function fastNumber(text: string, from: number, to: number): number {
  let i = from;
  let c = i < to ? text.charCodeAt(i) : 0;
  let negative = false;
  if (c === 45 || c === 43) {
    negative = c === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  for (; i < to; i++) {
    c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    mantissa = mantissa * 10 + (c - 48);
    digits++;
  }
  if (i < to && c === 46) {
    for (i++; i < to; i++) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      fraction++;
    }
  }
  if (digits === 0 || mantissa > 9007199254740991) return Number.NaN;
  let exponent = 0;
  if (i < to) {
    if (c !== 101 && c !== 69) return Number.NaN;
    i++;
    let negativeExponent = false;
    c = i < to ? text.charCodeAt(i) : 0;
    if (c === 45 || c === 43) {
      negativeExponent = c === 45;
      i++;
    }
    if (i === to) return Number.NaN;
    for (; i < to; i++) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57 || exponent > 1000) return Number.NaN;
      exponent = exponent * 10 + (c - 48);
    }
    if (negativeExponent) exponent = -exponent;
  }
  const scale = exponent - fraction;
  let value: number;
  if (scale === 0) value = mantissa;
  else if (scale > 0 && scale <= 22) value = mantissa * POW10[scale]!;
  else if (scale < 0 && scale >= -22) value = mantissa / POW10[-scale]!;
  else return Number.NaN;
  return negative ? -value : value;
}

/** Open-addressing table from a word, given as a character range of some text, to its id (no substring made). */
export class WordTable {
  #slots = new Int32Array(1024).fill(-1);
  #hashes = new Int32Array(1024);
  #mask = 1023;
  #size = 0;
  readonly #words: readonly string[];

  /** @param words spelling of each id (the vocabulary's list, which grows as words are added). */
  constructor(words: readonly string[]) {
    this.#words = words;
  }

  /** Id of the word `text.slice(from, to)`, or -1. */
  find(text: string, from: number, to: number): number {
    return this.findHashed(text, from, to, hashRange(text, from, to));
  }

  /** {@link find} with the word's {@link hashRange} already computed (the reader hashes while it scans). */
  findHashed(text: string, from: number, to: number, h: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    const length = to - from;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = slots[slot]!;
      if (id < 0) return -1;
      if (this.#hashes[slot] === h) {
        const word = this.#words[id]!;
        if (word.length === length && text.startsWith(word, from)) return id;
      }
    }
  }

  /** Adds `word` (not yet present) with id `id`. */
  insert(word: string, id: number): void {
    if ((this.#size + 1) * 2 > this.#slots.length) this.#rehash();
    this.#place(hashRange(word, 0, word.length), id);
    this.#size++;
  }

  #place(h: number, id: number): void {
    const mask = this.#mask;
    let slot = h & mask;
    while (this.#slots[slot]! >= 0) slot = (slot + 1) & mask;
    this.#slots[slot] = id;
    this.#hashes[slot] = h;
  }

  #rehash(): void {
    const slots = this.#slots;
    const hashes = this.#hashes;
    this.#slots = new Int32Array(slots.length * 2).fill(-1);
    this.#hashes = new Int32Array(slots.length * 2);
    this.#mask = slots.length * 2 - 1;
    for (let s = 0; s < slots.length; s++) if (slots[s]! >= 0) this.#place(hashes[s]!, slots[s]!);
  }
}

/** Seed of {@link hashRange}; a scanner hashes code unit c into h as `h = Math.imul(h ^ c, HASH_PRIME)`. */
export const HASH_SEED = 0x811c9dc5 | 0;
export const HASH_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units, finished by {@link finishHash}. */
export function hashRange(text: string, from: number, to: number): number {
  let h = HASH_SEED;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), HASH_PRIME);
  return finishHash(h);
}

/** A multiply-xorshift so the low bits (the slot) of an FNV hash are well mixed. */
export function finishHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}
