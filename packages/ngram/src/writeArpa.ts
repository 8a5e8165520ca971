import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { ARPA_END, arpaHeader, arpaSectionHeader } from './arpaLines.js';
import { type Float32ByteCache, type Float32Scratch, cachedFloat32Bytes, float32ByteCache, float32Bytes, float32Scratch } from './float32Bytes.js';
import { type SuffixOrderLevel, suffixOrder } from './suffixOrder.js';

/** Bytes of ARPA text in pieces of about this size. */
const CHUNK = 1 << 16;
/** Most bytes a number takes ({@link float32Bytes}). */
const NUMBER_BYTES = 16;

/** Where {@link fillLines} writes: the output bytes, the words' bytes, and where it is in the current order. */
interface LineWriter {
  buffer: Uint8Array;
  length: number;
  /** Every word's UTF-8 bytes, back to back: word w is `vocabBytes[vocabStarts[w] .. vocabStarts[w + 1])`. */
  readonly vocabBytes: Uint8Array;
  readonly vocabStarts: Int32Array;
  /** Bytes of the longest word. */
  readonly longestWord: number;
  readonly numbers: Float32Scratch;
  /** Texts of backoffs (a few thousand distinct values). */
  readonly backoffTexts: Float32ByteCache;
  /** The next position to write in the current order's suffix order, and the last word there. */
  position: number;
  word: number;
}

/**
 * One order being written (0-based `n`): its suffix order, its numbers, the word rows of the order below in
 * that order's suffix order (`n` words each; unused for n ≤ 1, whose prefixes are single words) and, when a
 * higher order follows, the rows of this one (`n + 1` words each), filled as its lines are written.
 */
interface OrderWriter {
  readonly n: number;
  readonly level: SuffixOrderLevel;
  /**
   * The n-grams' numbers by id: with backoffs, `[log10 p, log10 backoff]` pairs side by side (the ids come in
   * suffix order, at random: one cache miss per line instead of two); without, the log10 probabilities.
   */
  readonly numbers: Float32Array;
  readonly hasBackoffs: boolean;
  /** Empty for n ≤ 1. (Never undefined, nor `perm` below bigrams: one shape for every order keeps the hot loop optimized.) */
  readonly below: Int32Array;
  /** Empty when not kept. */
  readonly rows: Int32Array;
}

/** Makes room for `bytes` more bytes. */
function reserve(w: LineWriter, bytes: number): void {
  if (w.length + bytes > w.buffer.length) {
    const grown = new Uint8Array(Math.max(w.buffer.length * 2, w.length + bytes));
    grown.set(w.buffer.subarray(0, w.length));
    w.buffer = grown;
  }
}

/**
 * Writes lines of one order from `w.position` until the buffer holds a chunk or the order ends. The n-grams come
 * in suffix order, grouped by last word; each one's other words are a row of the order below, read at its
 * prefix rank — ranks rise within a group, so the rows are read front to back instead of walking each n-gram's
 * parents through the hash index at random. Plain loops over local variables: this is the hot loop of writing an
 * ARPA file.
 */
function fillLines(w: LineWriter, o: OrderWriter): void {
  const { n, numbers: values, hasBackoffs, below, rows } = o;
  const keepRows = rows.length > 0;
  const { perm, prefixRanks, wordStarts } = o.level;
  const { vocabBytes, vocabStarts, numbers, backoffTexts } = w;
  const size = hasBackoffs ? values.length / 2 : values.length;
  const lineBytes = (n + 1) * (w.longestWord + 1) + 2 * NUMBER_BYTES + 3;
  let i = w.position;
  let word = w.word;
  for (; i < size && w.length < CHUNK; i++) {
    while (wordStarts[word + 1]! <= i) word++;
    const id = perm === undefined ? i : perm[i]!;
    reserve(w, lineBytes);
    const buffer = w.buffer;
    let at = float32Bytes(values[hasBackoffs ? 2 * id : id]!, buffer, w.length, numbers);
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
    w.length = at;
  }
  w.position = i;
  w.word = word;
}

/** `[a[0], b[0], a[1], b[1], …]`. */
function interleave(a: Float32Array, b: Float32Array): Float32Array {
  const pairs = new Float32Array(2 * a.length);
  for (let i = 0; i < a.length; i++) {
    pairs[2 * i] = a[i]!;
    pairs[2 * i + 1] = b[i]!;
  }
  return pairs;
}

/**
 * The ARPA file of `model` as UTF-8 bytes in pieces (one per ~64 KiB), for writers: the same bytes as
 * {@link arpaChunks}, built without a JavaScript string per line or per number (each word encoded once, numbers
 * written as digits straight into the buffer), which is most of what writing an ARPA file costs.
 */
export function* arpaByteChunks(model: BackoffLanguageModel): Generator<Uint8Array, void, undefined> {
  const { order, wordIndex, log10Probs, log10Backoffs } = model.data;
  const encoder = new TextEncoder();
  const encoded = wordIndex.words().map((word) => encoder.encode(word));
  const vocabStarts = new Int32Array(encoded.length + 1);
  for (let v = 0; v < encoded.length; v++) vocabStarts[v + 1] = vocabStarts[v]! + encoded[v]!.length;
  const vocabBytes = new Uint8Array(vocabStarts[encoded.length]!);
  for (let v = 0; v < encoded.length; v++) vocabBytes.set(encoded[v]!, vocabStarts[v]!);
  const w: LineWriter = {
    buffer: new Uint8Array(CHUNK + 4096),
    length: 0,
    vocabBytes,
    vocabStarts,
    longestWord: encoded.reduce((m, bytes) => Math.max(m, bytes.length), 0),
    numbers: float32Scratch(),
    backoffTexts: float32ByteCache(),
    position: 0,
    word: 0,
  };
  const putText = (text: string): void => {
    const bytes = encoder.encode(text);
    reserve(w, bytes.length);
    w.buffer.set(bytes, w.length);
    w.length += bytes.length;
  };
  putText(arpaHeader(log10Probs.slice(0, order).map((lp) => lp.length)));
  let below = new Int32Array(0);
  let n = 0;
  for (const level of suffixOrder(model.data)) {
    putText(arpaSectionHeader(n + 1));
    const size = log10Probs[n]!.length;
    // Rows are kept for the order above from bigrams up (unigram rows would be the word ids themselves).
    const rows = new Int32Array(n >= 1 && n + 1 < order ? size * (n + 1) : 0);
    const o: OrderWriter = {
      n,
      level,
      numbers: n + 1 < order ? interleave(log10Probs[n]!, log10Backoffs[n]!) : log10Probs[n]!,
      hasBackoffs: n + 1 < order,
      below,
      rows,
    };
    w.position = 0;
    w.word = 0;
    while (w.position < size) {
      fillLines(w, o);
      if (w.length >= CHUNK) {
        yield w.buffer.slice(0, w.length);
        w.length = 0;
      }
    }
    below = rows;
    n++;
  }
  putText(ARPA_END);
  yield w.buffer.slice(0, w.length);
}

/**
 * The ARPA text of `model` in pieces (one per ~64 KiB), so a caller can stream a large model to a file without
 * holding the whole text. The layout is lmplz's, byte for byte: n-grams in KenLM's suffix order (see
 * {@link suffixOrder}), numbers as the shortest decimals that read back to the stored float32 values, every
 * backoff of the orders below the highest written (`0` included), and `<s>` with the log10 probability the model
 * holds (0 for estimated models, as lmplz writes it; an SRILM file's -99 is kept as read). Writers to files use
 * {@link arpaByteChunks}, the same text as bytes.
 */
export function* arpaChunks(model: BackoffLanguageModel): Generator<string, void, undefined> {
  const decoder = new TextDecoder();
  for (const bytes of arpaByteChunks(model)) yield decoder.decode(bytes, { stream: true });
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/** The whole ARPA text of `model` (see {@link arpaChunks} for the format details). */
export function writeArpa(model: BackoffLanguageModel): string {
  let text = '';
  for (const chunk of arpaChunks(model)) text += chunk;
  return text;
}
