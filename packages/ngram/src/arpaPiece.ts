import { type Float32ByteCache, type Float32Scratch, cachedFloat32Bytes, float32Bytes } from './float32Bytes.js';

/** Most bytes a number takes ({@link float32Bytes}). */
const NUMBER_BYTES = 16;

/** Every word's UTF-8 bytes back to back, as the ARPA formatters read them. */
export interface VocabularyBytes {
  /** Word w is `bytes[starts[w] .. starts[w + 1])`. */
  readonly bytes: Uint8Array;
  readonly starts: Int32Array;
  /** Bytes of the longest word. */
  readonly longest: number;
}

/** The words' bytes (each word encoded once), in `allocate`d memory (shared memory for worker threads). */
export function vocabularyBytes(words: readonly string[], allocate: (bytes: number) => ArrayBufferLike = (b) => new ArrayBuffer(b)): VocabularyBytes {
  const encoder = new TextEncoder();
  const encoded = words.map((word) => encoder.encode(word));
  const starts = new Int32Array(allocate(4 * (encoded.length + 1)));
  for (let v = 0; v < encoded.length; v++) starts[v + 1] = starts[v]! + encoded[v]!.length;
  const bytes = new Uint8Array(allocate(starts[encoded.length]!));
  for (let v = 0; v < encoded.length; v++) bytes.set(encoded[v]!, starts[v]!);
  return { bytes, starts, longest: encoded.reduce((m, b) => Math.max(m, b.length), 0) };
}

/**
 * Lines `from` to `to` (positions in the suffix order) of one order (0-based `n`) of an ARPA file — the same
 * bytes as `arpaByteChunks` writes for them. What a piece reads: the order's suffix order (`perm`, `prefixRanks`,
 * `wordStarts`, see `suffixOrder`), its numbers by id, and the word rows of the order below (`below`, `n` words per
 * position in that order's suffix order; unused for n ≤ 1). When `rows` is not empty, the piece's own rows (`n + 1`
 * words per position) are written there, for the order above.
 */
export interface ArpaPiece {
  readonly n: number;
  readonly from: number;
  readonly to: number;
  readonly perm: Uint32Array;
  readonly prefixRanks: Uint32Array | Int32Array;
  readonly wordStarts: Uint32Array;
  /**
   * The n-grams' numbers by id: below the highest order `[log10 p, log10 backoff]` pairs side by side (one cache
   * miss per line instead of two: ids come in suffix order, at random), at the highest the log10 probabilities.
   */
  readonly numbers: Float32Array;
  readonly hasBackoffs: boolean;
  readonly below: Int32Array;
  readonly rows: Int32Array;
}

/** Scratch of one formatting thread: the number formatter's and a cache of backoff texts. */
export interface ArpaPieceScratch {
  readonly numbers: Float32Scratch;
  readonly backoffTexts: Float32ByteCache;
}

/** The first position at or after which `wordStarts[w + 1] > i` (the word of position i), by binary search. */
function wordAt(wordStarts: Uint32Array, i: number): number {
  let lo = 0;
  let hi = wordStarts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (wordStarts[mid + 1]! <= i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The text of `piece` as bytes (a fresh buffer, exactly its length): plain loops over local variables, as in
 * `arpaByteChunks` (this is the hot loop of writing an ARPA file, run by each formatting thread).
 */
export function arpaPieceBytes(piece: ArpaPiece, vocab: VocabularyBytes, scratch: ArpaPieceScratch): Uint8Array {
  const { n, from, to, perm, prefixRanks, wordStarts, numbers: values, hasBackoffs, below, rows } = piece;
  const keepRows = rows.length > 0;
  const { bytes: vocabBytes, starts: vocabStarts } = vocab;
  const { numbers, backoffTexts } = scratch;
  const lineBytes = (n + 1) * (vocab.longest + 1) + 2 * NUMBER_BYTES + 3;
  let buffer = new Uint8Array(Math.max(1024, (to - from) * Math.min(lineBytes, 64)));
  let at = 0;
  let word = wordAt(wordStarts, from);
  for (let i = from; i < to; i++) {
    while (wordStarts[word + 1]! <= i) word++;
    if (at + lineBytes > buffer.length) {
      const grown = new Uint8Array(Math.max(buffer.length * 2, at + lineBytes));
      grown.set(buffer.subarray(0, at));
      buffer = grown;
    }
    const id = perm[i]!;
    at = float32Bytes(values[hasBackoffs ? 2 * id : id]!, buffer, at, numbers);
    buffer[at++] = 9;
    const prefix = prefixRanks[i]!;
    const rowAt = i * (n + 1);
    for (let k = 0; k <= n; k++) {
      // Words 0..n-1 from the prefix's row (a single word for bigrams), word n is the group's.
      const v = k === n ? word : n === 1 ? prefix : below[prefix * n + k]!;
      if (keepRows) rows[rowAt + k] = v;
      if (k > 0) buffer[at++] = 32;
      for (let c = vocabStarts[v]!, end = vocabStarts[v + 1]!; c < end; c++) buffer[at++] = vocabBytes[c]!;
    }
    if (hasBackoffs) {
      buffer[at++] = 9;
      at = cachedFloat32Bytes(values[2 * id + 1]!, buffer, at, backoffTexts);
    }
    buffer[at++] = 10;
  }
  return buffer.slice(0, at);
}
