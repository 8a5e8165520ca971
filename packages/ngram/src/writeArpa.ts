import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { ARPA_END, arpaHeader, arpaSectionHeader } from './arpaLines.js';
import { formatFloat32 } from './formatFloat32.js';
import { suffixOrder } from './suffixOrder.js';

/** Bytes of ARPA text in pieces of about this size. */
const CHUNK = 1 << 16;
/** Slots of the direct-mapped cache of number texts. */
const NUMBER_SLOTS = 1 << 16;

/** Where {@link fillLines} writes: the output bytes and the caches it reads. */
interface LineWriter {
  buffer: Uint8Array;
  length: number;
  readonly wordBytes: readonly Uint8Array[];
  /** Float32 bits of the number each slot holds, and its text. */
  readonly cacheKeys: Uint32Array;
  readonly cacheText: (string | undefined)[];
  readonly bits: Uint32Array;
  readonly asFloat: Float32Array;
  /** The word ids of the n-gram being written. */
  readonly ids: Int32Array;
}

/** Makes room for `bytes` more bytes. */
function reserve(w: LineWriter, bytes: number): void {
  if (w.length + bytes > w.buffer.length) {
    const grown = new Uint8Array(Math.max(w.buffer.length * 2, w.length + bytes));
    grown.set(w.buffer.subarray(0, w.length));
    w.buffer = grown;
  }
}

/** The text of a float32 value, from the cache (numbers repeat: backoffs of contexts seen once, singletons). */
function numberText(w: LineWriter, x: number): string {
  w.asFloat[0] = x;
  const key = w.bits[0]!;
  const slot = Math.imul(key, 0x9e3779b1) >>> 16;
  let text = w.cacheText[slot];
  if (text === undefined || w.cacheKeys[slot] !== key) {
    text = formatFloat32(x);
    w.cacheText[slot] = text;
    w.cacheKeys[slot] = key;
  }
  return text;
}

/**
 * Writes the lines of order `n` (0-based) from position `from` of its suffix order until the buffer holds a chunk
 * or the order ends; returns the next position. Plain loops over local variables: this is the hot loop of
 * writing an ARPA file.
 */
function fillLines(w: LineWriter, model: BackoffLanguageModel, perm: Uint32Array, n: number, from: number): number {
  const { indexes, log10Probs, log10Backoffs, order } = model.data;
  const lp = log10Probs[n]!;
  const bo = log10Backoffs[n]!;
  const hasBackoff = n + 1 < order;
  const { wordBytes, ids } = w;
  let i = from;
  for (; i < lp.length && w.length < CHUNK; i++) {
    const id = perm[i]!;
    // The n-gram's words, last to first: each order's index names the last word and the parent (the n-gram without
    // its last word) in the order below; a unigram's id is its word id.
    let cur = id;
    let bytes = 0;
    for (let k = n; k >= 1; k--) {
      const index = indexes[k]!;
      const word = index.words[cur]!;
      ids[k] = word;
      bytes += wordBytes[word]!.length + 1;
      cur = index.parents[cur]!;
    }
    ids[0] = cur;
    bytes += wordBytes[cur]!.length;
    const p = numberText(w, lp[id]!);
    const b = hasBackoff ? numberText(w, bo[id]!) : '';
    reserve(w, p.length + bytes + b.length + 3);
    const buffer = w.buffer;
    let at = w.length;
    for (let c = 0; c < p.length; c++) buffer[at++] = p.charCodeAt(c); // ASCII: digits, '-', '.', 'e', "inf"
    buffer[at++] = 9;
    for (let k = 0; k <= n; k++) {
      if (k > 0) buffer[at++] = 32;
      const word = wordBytes[ids[k]!]!;
      for (let c = 0; c < word.length; c++) buffer[at++] = word[c]!;
    }
    if (hasBackoff) {
      buffer[at++] = 9;
      for (let c = 0; c < b.length; c++) buffer[at++] = b.charCodeAt(c);
    }
    buffer[at++] = 10;
    w.length = at;
  }
  return i;
}

/**
 * The ARPA file of `model` as UTF-8 bytes in pieces (one per ~64 KiB), for writers: the same bytes as
 * {@link arpaChunks}, built without a JavaScript string per line or per n-gram (an n-gram's words are found by
 * walking its parents, each word encoded once), which is most of what writing an ARPA file costs.
 */
export function* arpaByteChunks(model: BackoffLanguageModel): Generator<Uint8Array, void, undefined> {
  const { order, wordIndex, log10Probs } = model.data;
  const encoder = new TextEncoder();
  const perms = suffixOrder(model.data);
  const bits = new Uint32Array(1);
  const w: LineWriter = {
    buffer: new Uint8Array(CHUNK + 4096),
    length: 0,
    wordBytes: wordIndex.words().map((word) => encoder.encode(word)),
    cacheKeys: new Uint32Array(NUMBER_SLOTS),
    cacheText: new Array<string | undefined>(NUMBER_SLOTS).fill(undefined),
    bits,
    asFloat: new Float32Array(bits.buffer),
    ids: new Int32Array(order),
  };
  const putText = (text: string): void => {
    const bytes = encoder.encode(text);
    reserve(w, bytes.length);
    w.buffer.set(bytes, w.length);
    w.length += bytes.length;
  };
  putText(arpaHeader(log10Probs.slice(0, order).map((lp) => lp.length)));
  for (let n = 0; n < order; n++) {
    putText(arpaSectionHeader(n + 1));
    const perm = perms[n]!;
    let i = 0;
    while (i < perm.length) {
      i = fillLines(w, model, perm, n, i);
      if (w.length >= CHUNK) {
        yield w.buffer.slice(0, w.length);
        w.length = 0;
      }
    }
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
