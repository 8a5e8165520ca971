import { EmptyInputError, FormatError, InvalidArgumentError, type ModelPerplexity } from '@nlpkit/core';
import { BackoffLanguageModel } from './backoffLanguageModel.js';
import { PKG, check } from './errors.js';
import { BYTE_HASH_PRIME, BYTE_HASH_SEED, type Utf8WordTable, finishByteHash, utf8WordTable, utf8WordTableOfJoined } from './utf8WordTable.js';

/** Longest line {@link Utf8TextScorer} holds (bytes): readLines' default limit, 2^26 UTF-16 code units, as bytes. */
const MAX_LINE_BYTES = 2 ** 26;

/**
 * Perplexity of UTF-8 text read as bytes — one sentence per line, words split as KenLM's `query` splits them —
 * with no string made for a line or a word: each word's bytes are hashed as they are scanned and found in a
 * byte-keyed table of the model's words, and each line is scored by {@link BackoffLanguageModel.scoreIds}. The
 * result is `evaluatePerplexity(model, sentences)` over the lines that `readLines` (UTF-8, a leading byte-order
 * mark dropped, LF or CRLF line ends, a last line without one kept) and `kenlmWords(line, 'query')` give, bit for
 * bit: the same sums in the same order. This is what `nlpkit ngram eval` runs.
 *
 * Feed the bytes in chunks of any size with {@link push}, then call {@link end}.
 */
export class Utf8TextScorer {
  readonly #model: BackoffLanguageModel;
  readonly #table: Utf8WordTable;
  #words = new Int32Array(256);
  readonly #out = new Float64Array(3);
  /** Bytes of a line begun in an earlier chunk. */
  #tail = new Uint8Array(0);
  #tailLength = 0;
  #first = true;
  #log10Prob = 0;
  #oovLog10Prob = 0;
  #tokens = 0;
  #oov = 0;
  #sentences = 0;
  #decoder: TextDecoder | undefined;

  constructor(model: BackoffLanguageModel) {
    if (!(model instanceof BackoffLanguageModel)) throw check.invalid(model, 'model', 'a BackoffLanguageModel');
    this.#model = model;
    this.#table = wordTableOf(model);
  }

  /** Number of lines (sentences) scored so far. */
  get lines(): number {
    return this.#sentences;
  }

  /** Scores the complete lines in `bytes` (and the line carried over from the previous chunk). */
  push(bytes: Uint8Array): void {
    if (!(bytes instanceof Uint8Array)) throw check.invalid(bytes, 'bytes', 'a Uint8Array');
    // A plain Uint8Array view, whatever the caller passed (a Node Buffer is a subclass): the line scanner and the
    // word table then only ever see one kind of array (a second kind made the optimized code bail out), and
    // indexOf is the typed array's builtin rather than Buffer's.
    if (bytes.constructor !== Uint8Array) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    let start = 0;
    if (this.#tailLength > 0) {
      const nl = bytes.indexOf(10);
      if (nl < 0) {
        this.#carry(bytes, 0, bytes.length);
        return;
      }
      this.#carry(bytes, 0, nl);
      this.#line(this.#tail, 0, this.#tailLength);
      this.#tailLength = 0;
      start = nl + 1;
    }
    start = this.#lines(bytes, start);
    if (start < bytes.length) this.#carry(bytes, start, bytes.length);
  }

  /**
   * Scores the lines of `bytes` from `start` that end in a newline; returns where the unfinished rest begins. The
   * loop alone, away from push's rare paths, so that the code optimized while it runs meets nothing new on exit.
   */
  #lines(bytes: Uint8Array, start: number): number {
    for (;;) {
      const nl = bytes.indexOf(10, start);
      if (nl < 0) return start;
      this.#line(bytes, start, nl);
      start = nl + 1;
    }
  }

  /** Scores the last line (when the text does not end in a newline) and returns the totals. */
  end(): ModelPerplexity {
    if (this.#tailLength > 0) {
      this.#line(this.#tail, 0, this.#tailLength);
      this.#tailLength = 0;
    }
    if (this.#tokens === 0) throw new EmptyInputError({ package: '@nlpkit/core', argument: 'sentences', expected: 'at least one sentence' });
    const kept = this.#tokens - this.#oov;
    return {
      perplexity: 10 ** (-this.#log10Prob / this.#tokens),
      perplexityExcludingOov: kept > 0 ? 10 ** (-(this.#log10Prob - this.#oovLog10Prob) / kept) : Number.NaN,
      tokens: this.#tokens,
      oov: this.#oov,
      log10Prob: this.#log10Prob,
      sentences: this.#sentences,
    };
  }

  #carry(bytes: Uint8Array, from: number, to: number): void {
    const length = this.#tailLength + to - from;
    if (length > MAX_LINE_BYTES) {
      // As readLines' maxLineLength: memory stays bounded whatever the input (newline-free data, CR-only line ends).
      const line = this.#sentences + 1;
      throw new FormatError(
        { package: PKG, argument: `line ${line}`, line, message: `line ${line} is longer than ${MAX_LINE_BYTES} bytes: is it a file with CR-only line endings, or not text at all?` },
        'ERR_LINE_TOO_LONG',
      );
    }
    if (length > this.#tail.length) {
      const grown = new Uint8Array(Math.max(length, this.#tail.length * 2, 1024));
      grown.set(this.#tail.subarray(0, this.#tailLength));
      this.#tail = grown;
    }
    this.#tail.set(bytes.subarray(from, to), this.#tailLength);
    this.#tailLength = length;
  }

  /** Scores the line `bytes[from..to)` (without its `\n`). */
  #line(bytes: Uint8Array, from: number, to: number): void {
    if (this.#first) {
      this.#first = false;
      // A byte-order mark is not text (TextDecoder drops it).
      if (to - from >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf) from += 3;
    }
    const table = this.#table;
    let words = this.#words;
    let count = 0;
    for (let i = from; i < to; ) {
      const c = bytes[i]!;
      // KenLM query's spaces (C isspace): space, \t, \n, \v, \f, \r.
      if (c === 32 || (c >= 9 && c <= 13)) {
        i++;
        continue;
      }
      let h = Math.imul(BYTE_HASH_SEED ^ c, BYTE_HASH_PRIME);
      let high = c;
      let j = i + 1;
      for (; j < to; j++) {
        const d = bytes[j]!;
        if (d === 32 || (d >= 9 && d <= 13)) break;
        h = Math.imul(h ^ d, BYTE_HASH_PRIME);
        high |= d;
      }
      let id = table.find(bytes, i, j, finishByteHash(h));
      // Bytes that are not valid UTF-8 read as U+FFFD in a string: look such a word up as the string it decodes to.
      if (id < 0 && high >= 0x80) id = this.#lookupDecoded(bytes, i, j);
      if (count === words.length) {
        const grown = new Int32Array(words.length * 2);
        grown.set(words);
        this.#words = words = grown;
      }
      words[count++] = id;
      i = j;
    }
    const out = this.#out;
    this.#model.scoreIds(words, count, out);
    const log10Prob = out[0]!;
    if (!(log10Prob <= 0)) {
      throw new InvalidArgumentError({
        package: PKG,
        argument: 'model',
        expected: 'a model whose log10 probabilities are ≤ 0',
        foundText: `a total log10 probability = ${log10Prob} at sentences[${this.#sentences}]`,
      });
    }
    this.#log10Prob += log10Prob;
    this.#oovLog10Prob += out[1]!;
    this.#tokens += count + 1;
    this.#oov += out[2]!;
    this.#sentences++;
  }

  #lookupDecoded(bytes: Uint8Array, from: number, to: number): number {
    this.#decoder ??= new TextDecoder('utf-8', { ignoreBOM: true });
    return this.#model.data.wordIndex.lookup(this.#decoder.decode(bytes.subarray(from, to)));
  }
}

/**
 * The byte-keyed table of `model`'s words: the one its reader built (the fast ARPA reader), or one made from the
 * bytes its loader holds (a binary model), or from the words encoded one by one; a table that does not cover the
 * word index (words added since) is not used.
 */
function wordTableOf(model: BackoffLanguageModel): Utf8WordTable {
  const { utf8Words, wordBytes, wordIndex } = model.data;
  if (utf8Words !== undefined && utf8Words.size === wordIndex.size) return utf8Words;
  if (wordBytes !== undefined) {
    const table = utf8WordTableOfJoined(wordBytes, wordIndex.size);
    if (table.size === wordIndex.size) return table;
  }
  return utf8WordTable(wordIndex.words());
}
