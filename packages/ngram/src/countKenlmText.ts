import { isAsyncIterable, isIterable } from '@nlpkit/core';
import { type CountOptions, NgramCounter, type NgramCounts } from './countNgrams.js';
import { NgramInputError, PKG, check } from './errors.js';
import { BOS, BOS_INDEX, EOS, EOS_INDEX, type NgramWordIndex } from './ngramWordIndex.js';

/** Options of {@link countKenlmText}. */
export interface KenlmTextCountOptions extends CountOptions {
  /** Told the number of lines read so far, now and then (every 8,192 lines) and at the end. */
  onLines?: (lines: number) => void;
  /**
   * The input's size in bytes, where it is known (`countKenlmTextFile` passes a file's): counting's tables then
   * grow straight to the size the whole input is projected to need (see `CountOptions.progress`). Same counts.
   */
  totalBytes?: number;
}

/** lmplz's word separators inside a line (its lm/builder/corpus_count.cc: "\0\t\n\r "); `\n` ends the line. */
const SEPARATOR = new Uint8Array(256);
for (const c of [0, 9, 13, 32]) SEPARATOR[c] = 1;

const PAD = '<pad>';

/**
 * Words by their UTF-8 bytes → word index, with no string made for a word seen before: open addressing on a
 * 32-bit hash of the bytes, spellings kept back to back in one growing array. A new spelling is decoded once and
 * added to the word index by its text, so the ids are those the string path gives (bytes that decode to the same
 * text — invalid UTF-8 replaced by U+FFFD — are the same word, as they are there).
 */
class ByteWords {
  #slots = new Int32Array(1 << 12).fill(-1);
  #hashes = new Int32Array(1 << 12);
  #mask = (1 << 12) - 1;
  /** Per entry: where its bytes start (entry e is `#bytes[#starts[e] .. #starts[e + 1])`) and its word index. */
  #starts: Int32Array = new Int32Array(1 << 11);
  #ids: Int32Array = new Int32Array(1 << 11);
  #bytes = new Uint8Array(1 << 14);
  #size = 0;
  // ignoreBOM: a word starting with U+FEFF keeps it (a decoder drops it otherwise, at each call).
  readonly #decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  /** The word index of `bytes[from..to)` (hash `h`), or -1 when these bytes are new. */
  find(bytes: Uint8Array, from: number, to: number, h: number): number {
    const slots = this.#slots;
    const hashes = this.#hashes;
    const starts = this.#starts;
    const own = this.#bytes;
    const mask = this.#mask;
    const length = to - from;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = slots[slot]!;
      if (e < 0) return -1;
      if (hashes[slot] !== h) continue;
      const start = starts[e]!;
      if (starts[e + 1]! - start !== length) continue;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (own[start + i] !== bytes[from + i]) {
          same = false;
          break;
        }
      }
      if (same) return this.#ids[e]!;
    }
  }

  /** Adds the new spelling `bytes[from..to)` (hash `h`) as word `text`'s, with index `id`. */
  add(bytes: Uint8Array, from: number, to: number, h: number, id: number): void {
    const e = this.#size;
    if (e + 2 > this.#starts.length) {
      this.#starts = grownInt32(this.#starts, e + 2);
      this.#ids = grownInt32(this.#ids, e + 2);
    }
    const at = this.#starts[e]!;
    const length = to - from;
    if (at + length > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(this.#bytes.length * 2, at + length));
      grown.set(this.#bytes.subarray(0, at));
      this.#bytes = grown;
    }
    this.#bytes.set(bytes.subarray(from, to), at);
    this.#starts[e + 1] = at + length;
    this.#ids[e] = id;
    this.#size = e + 1;
    if (this.#size * 2 > this.#mask) this.#rehash();
    let slot = h & this.#mask;
    while (this.#slots[slot]! >= 0) slot = (slot + 1) & this.#mask;
    this.#slots[slot] = e;
    this.#hashes[slot] = h;
  }

  decode(bytes: Uint8Array, from: number, to: number): string {
    return this.#decoder.decode(bytes.subarray(from, to));
  }

  #rehash(): void {
    const oldSlots = this.#slots;
    const oldHashes = this.#hashes;
    const count = oldSlots.length * 2;
    this.#slots = new Int32Array(count).fill(-1);
    this.#hashes = new Int32Array(count);
    this.#mask = count - 1;
    for (let s = 0; s < oldSlots.length; s++) {
      const e = oldSlots[s]!;
      if (e < 0) continue;
      let slot = oldHashes[s]! & this.#mask;
      while (this.#slots[slot]! >= 0) slot = (slot + 1) & this.#mask;
      this.#slots[slot] = e;
      this.#hashes[slot] = oldHashes[s]!;
    }
  }
}

function grownInt32(array: Int32Array, atLeast: number): Int32Array {
  const grown = new Int32Array(Math.max(array.length * 2, atLeast));
  grown.set(array);
  return grown;
}

/**
 * Where {@link KenlmTextReader} puts each line: its word ids (`<s>` first, `</s>` last) by `wordIndex`, which the
 * reader adds new words to. {@link NgramCounter} is one; the on-disk counter another.
 */
export interface SentenceIdSink<R> {
  readonly wordIndex: NgramWordIndex;
  addSentenceIds(ids: Int32Array, length: number): void;
  finish(): R;
}

/**
 * Reads training text as bytes, exactly as `lmplz` reads it, into a {@link SentenceIdSink}: one sentence per line
 * (`\n`; an empty line is the sentence `<s> </s>`, a last line without `\n` counts), words split only at the bytes
 * space, `\t`, `\r` and NUL (see `kenlmWords`), a byte-order mark at the start dropped. The same ids as
 * `kenlmWords(line)` over the decoded lines, without making a string per line or per word.
 */
export class KenlmTextReader<R> {
  readonly #sink: SentenceIdSink<R>;
  readonly #words = new ByteWords();
  readonly #wordIndex: NgramWordIndex;
  #ids: Int32Array = new Int32Array(256);
  /** Ids of the current line so far (`<s>` first). */
  #length = 1;
  /** The bytes of a word cut by the end of a chunk. */
  #carry = new Uint8Array(256);
  #carried = 0;
  /** Bytes of a leading byte-order mark still to check (TextDecoder drops one, the line reader a second). */
  #start = 0;
  lines = 0;
  /** Bytes of the input read up to the line being counted. */
  #read = 0;
  /** Bytes of the input in the chunks before the current one. */
  #before = 0;
  /** Whether the current line has any byte (a last line without `\n` is a sentence only then). */
  #open = false;
  readonly #onLines: ((lines: number) => void) | undefined;
  readonly #signal: AbortSignal | undefined;

  /**
   * `startsText: false`: the bytes continue a text (a part of a file cut at a line start), so a byte-order mark at
   * their start is text, as it is anywhere but at the start of a file.
   */
  constructor(
    sink: SentenceIdSink<R>,
    options: { onLines?: ((lines: number) => void) | undefined; signal?: AbortSignal | undefined; startsText?: boolean | undefined } = {},
  ) {
    this.#sink = sink;
    this.#wordIndex = sink.wordIndex;
    this.#ids[0] = BOS_INDEX;
    if (options.startsText === false) this.#start = 6;
    this.#onLines = options.onLines;
    this.#signal = options.signal;
  }

  /** Bytes of the input read up to the line being counted (what {@link KenlmTextCountOptions.totalBytes} divides). */
  get bytesRead(): number {
    return this.#read;
  }

  push(chunk: Uint8Array): void {
    this.#scan(chunk);
    this.#before += chunk.length;
  }

  #scan(chunk: Uint8Array): void {
    let from = 0;
    if (this.#start < 6) from = this.#skipMarks(chunk);
    const end = chunk.length;
    if (from < end) this.#open = true;
    let i = from;
    if (this.#carried > 0) {
      // The rest of the word cut at the end of the chunk before.
      while (i < end && chunk[i] !== 10 && SEPARATOR[chunk[i]!] === 0) i++;
      this.#appendCarry(chunk, from, i);
      if (i === end) return;
      this.#word(this.#carry, 0, this.#carried);
      this.#carried = 0;
    }
    while (i < end) {
      const c = chunk[i]!;
      if (c === 10) {
        this.#read = this.#before + i;
        this.#endLine();
        if (++i < end) this.#open = true;
        continue;
      }
      if (SEPARATOR[c] === 1) {
        i++;
        continue;
      }
      const start = i;
      while (i < end) {
        const b = chunk[i]!;
        if (b === 10 || SEPARATOR[b] === 1) break;
        i++;
      }
      if (i === end) {
        this.#appendCarry(chunk, start, end);
        return;
      }
      this.#word(chunk, start, i);
    }
  }

  finish(): R {
    if (this.#start % 3 !== 0 && this.#start < 6) {
      // The input ended inside what looked like a byte-order mark: those bytes are text.
      this.#appendCarry(Uint8Array.from([0xef, 0xbb].slice(0, this.#start % 3)), 0, this.#start % 3);
      this.#open = true;
    }
    if (this.#carried > 0) {
      this.#word(this.#carry, 0, this.#carried);
      this.#carried = 0;
    }
    if (this.#open) this.#endLine();
    this.#onLines?.(this.lines);
    return this.#sink.finish();
  }

  /** Drops up to two UTF-8 byte-order marks at the very start of the input (as TextDecoder and readLines do). */
  #skipMarks(chunk: Uint8Array): number {
    const MARK = [0xef, 0xbb, 0xbf];
    let at = 0;
    while (this.#start < 6 && at < chunk.length) {
      if (chunk[at] !== MARK[this.#start % 3]) {
        if (this.#start % 3 !== 0) {
          // A partial mark is text after all: put its bytes back (they start a word).
          const partial = Uint8Array.from(MARK.slice(0, this.#start % 3));
          this.#start = 6;
          this.#appendCarry(partial, 0, partial.length);
        }
        this.#start = 6;
        break;
      }
      this.#start++;
      at++;
    }
    return at;
  }

  #appendCarry(bytes: Uint8Array, from: number, to: number): void {
    const length = this.#carried + to - from;
    if (length > this.#carry.length) {
      const grown = new Uint8Array(Math.max(this.#carry.length * 2, length));
      grown.set(this.#carry.subarray(0, this.#carried));
      this.#carry = grown;
    }
    this.#carry.set(bytes.subarray(from, to), this.#carried);
    this.#carried = length;
  }

  #word(bytes: Uint8Array, from: number, to: number): void {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    let id = this.#words.find(bytes, from, to, h);
    if (id < 0) {
      const text = this.#words.decode(bytes, from, to);
      if (text === BOS || text === EOS || text === PAD) {
        throw new NgramInputError({
          package: PKG,
          argument: `sentences[${this.lines}][${this.#length - 1}]`,
          expected: 'a word, not a reserved marker (sentence boundaries are added automatically)',
          found: text,
          line: this.lines + 1,
        });
      }
      id = this.#wordIndex.add(text);
      this.#words.add(bytes, from, to, h, id);
    }
    if (this.#length + 2 > this.#ids.length) this.#ids = grownInt32(this.#ids, this.#length + 2);
    this.#ids[this.#length++] = id;
  }

  #endLine(): void {
    this.#ids[this.#length++] = EOS_INDEX;
    this.#sink.addSentenceIds(this.#ids, this.#length);
    this.#length = 1;
    this.#open = false;
    const lines = ++this.lines;
    if ((lines & 1023) === 0) {
      this.#signal?.throwIfAborted();
      if ((lines & 8191) === 0) this.#onLines?.(lines);
    }
  }
}

/**
 * Counts n-grams of training text given as bytes (a file's or a stream's chunks), read exactly as KenLM's `lmplz`
 * reads it: one sentence per line, words split only at space, `\t`, `\r` and NUL (every other byte, Unicode
 * spaces included, is word text; see `kenlmWords`), an empty line the sentence `<s> </s>`, a leading byte-order
 * mark dropped. The counts equal `countNgrams` over `kenlmWords` of each decoded line — without a string per line
 * or per word, which is most of the cost of reading a corpus. Sync chunks give the counts at once, async ones a
 * promise. String chunks (a stream with an encoding set) are read as their UTF-8 bytes.
 * @throws NgramInputError for `<s>`, `</s>` or `<pad>` in the text (naming the line); EmptyInputError for no text.
 */
export function countKenlmText(chunks: Iterable<Uint8Array | string>, options: KenlmTextCountOptions): NgramCounts;
export function countKenlmText(chunks: AsyncIterable<Uint8Array | string>, options: KenlmTextCountOptions): Promise<NgramCounts>;
export function countKenlmText(
  chunks: Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>,
  options: KenlmTextCountOptions,
): NgramCounts | Promise<NgramCounts> {
  check.options(options, 'options', ['order', 'signal', 'onLines', 'collect', 'totalBytes', 'progress']);
  const total = options.totalBytes === undefined ? 0 : check.integer(options.totalBytes, 'options.totalBytes', 0);
  const progress = options.progress ?? (total > 0 ? (): number => reader.bytesRead / total : undefined);
  const counter: NgramCounter = new NgramCounter({
    order: options.order,
    ...(options.collect ? { collect: options.collect } : {}),
    ...(progress ? { progress } : {}),
  });
  const reader: KenlmTextReader<NgramCounts> = new KenlmTextReader(counter, options);
  return readKenlmText(reader, chunks, options.signal);
}

/** Pushes every chunk into `reader` and returns its sink's result: at once for sync chunks, as a promise for async ones. */
export function readKenlmText<R>(reader: KenlmTextReader<R>, chunks: Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>, signal?: AbortSignal): R | Promise<R> {
  signal?.throwIfAborted();
  if (isAsyncIterable(chunks)) {
    return (async () => {
      for await (const chunk of chunks) reader.push(asBytes(chunk));
      return reader.finish();
    })();
  }
  if (!isIterable(chunks) || typeof chunks === 'string') throw check.invalid(chunks, 'chunks', 'an iterable or async iterable of byte chunks (Uint8Array or Buffer) or strings');
  for (const chunk of chunks) reader.push(asBytes(chunk));
  return reader.finish();
}

function asBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  // A stream with an encoding set gives strings: their UTF-8 bytes are the text read.
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  throw check.invalid(chunk, 'chunks', 'bytes (Uint8Array or Buffer chunks) or strings');
}
