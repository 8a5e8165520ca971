import type { SentencePadding } from './ngramStatistics.js';
import { STUPID_BACKOFF_MAGIC } from './detectFormat.js';

/**
 * The stupid-backoff file, version 1: the raw counts of every n-gram of orders 1..N — exactly what
 * S(w | c) = c(c w) / Σ_v c(c v), else alpha·S(w | c′), needs — as UTF-8 text. Deliberately not ARPA: its numbers
 * are counts behind scores that do not sum to one, so no reader of probability models takes it (`readArpa`,
 * `loadBinaryModel` and `readModelFile` name it and refuse).
 *
 * ```text
 * nlpkit-stupid-backoff 1      magic and format version
 * order 3                      highest order N (1 to 10)
 * padding kenlm                how sentences were padded when counted: kenlm | nltk (see SentencePadding)
 * alpha 0.4                    the default backoff multiplier (a query-time parameter: readers may override it)
 * ngrams 1 10003               number of entries of each order, 1 to N
 * ngrams 2 71234
 * ngrams 3 98765
 *                              a blank line ends the header
 * \1-grams                     the vocabulary in index order — <unk>, <s>, </s>, then the corpus's words in
 * 0<TAB><unk>                  first-seen order — each with its count: 0 is allowed here (<unk> with nothing
 * 0<TAB><s>                    unknown; <s> under kenlm padding, where it is never predicted)
 * 4321<TAB></s>
 * …
 * \2-grams                     every n-gram seen (count ≥ 1), sorted by its words' indexes (positions in the
 * 12<TAB><s> the               1-grams section) left to right; words separated by one space
 * …
 * \end
 * ```
 *
 * Every line ends with `\n`; counts are decimal integers. The bytes depend only on the counts, so the same corpus
 * gives the same file whichever writer counted it (in memory, or a cluster's workers).
 */
export const STUPID_BACKOFF_VERSION = 1;

/** What the header of a stupid-backoff file says. */
export interface StupidBackoffHeader {
  readonly order: number;
  readonly padding: SentencePadding;
  readonly alpha: number;
  /** Entries per order (`counts[0]`: the vocabulary size). */
  readonly counts: readonly number[];
}

/** The header lines and the blank line after them. */
export function stupidBackoffHeader(header: StupidBackoffHeader): string {
  let text = `${STUPID_BACKOFF_MAGIC}${STUPID_BACKOFF_VERSION}\norder ${header.order}\npadding ${header.padding}\nalpha ${header.alpha}\n`;
  for (let n = 0; n < header.counts.length; n++) text += `ngrams ${n + 1} ${header.counts[n]}\n`;
  return `${text}\n`;
}

/** The line opening the section of order `n` (1-based). */
export function stupidBackoffSectionHeader(n: number): string {
  return `\\${n}-grams\n`;
}

/** The line closing a stupid-backoff file. */
export const STUPID_BACKOFF_END = '\\end\n';

const CHUNK = 1 << 16;
const TAB = 9;
const SPACE = 32;
const NEWLINE = 10;

/**
 * Writes entry lines `count<TAB>w1 w2 … wn` as UTF-8 bytes into a growing buffer, each word encoded once: the one
 * formatter of both the in-memory writer and the distributed reduce jobs, so their bytes agree by construction.
 */
export class StupidBackoffLineWriter {
  #buffer = new Uint8Array(CHUNK + 4096);
  #length = 0;
  readonly #words: readonly Uint8Array[];

  /** @param words the vocabulary in index order (the word of id `i` is `words[i]`). */
  constructor(words: readonly string[]) {
    const encoder = new TextEncoder();
    this.#words = words.map((word) => encoder.encode(word));
  }

  /** Bytes written and not yet taken. */
  get length(): number {
    return this.#length;
  }

  /** Appends ASCII or any text (section headers). */
  text(text: string): void {
    const bytes = new TextEncoder().encode(text);
    this.#reserve(bytes.length);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** Appends the line of the n-gram `ids[at .. at + n)` (word ids) seen `count` times. */
  line(count: number, ids: ArrayLike<number>, at: number, n: number): void {
    const digits = String(count);
    let bytes = digits.length + n + 1;
    for (let k = 0; k < n; k++) bytes += this.#words[ids[at + k]!]!.length;
    this.#reserve(bytes);
    const buffer = this.#buffer;
    let p = this.#length;
    for (let i = 0; i < digits.length; i++) buffer[p++] = digits.charCodeAt(i);
    buffer[p++] = TAB;
    for (let k = 0; k < n; k++) {
      if (k > 0) buffer[p++] = SPACE;
      const word = this.#words[ids[at + k]!]!;
      buffer.set(word, p);
      p += word.length;
    }
    buffer[p++] = NEWLINE;
    this.#length = p;
  }

  /** Whether a chunk's worth (64 KiB) is waiting to be taken. */
  get full(): boolean {
    return this.#length >= CHUNK;
  }

  /** The bytes written since the last call (a copy), and a fresh start. */
  take(): Uint8Array {
    const out = this.#buffer.slice(0, this.#length);
    this.#length = 0;
    return out;
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    const grown = new Uint8Array(Math.max(this.#buffer.length * 2, this.#length + bytes));
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
  }
}
