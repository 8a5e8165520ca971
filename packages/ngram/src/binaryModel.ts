import { BackoffLanguageModel, type NgramLookup } from './backoffLanguageModel.js';
import { PAD, describeValue } from '@nlpkit/core';
import { BinaryModelFormatError, check } from './errors.js';
import { trieOrder } from './trieOrder.js';
import { NgramWordIndex } from './ngramWordIndex.js';

/** Storage of probabilities and log10Backoffs in {@link toBinaryModel}. */
export type Quantization = 'none' | 'q8';

/** Options of {@link toBinaryModel}. */
export interface BinaryModelOptions {
  /**
   * `'none'` keeps float32 values (exact); `'q8'` stores orders ≥ 2 as 8-bit codes into a 256-entry codebook
   * per order (equal-count bins, as KenLM's `-q 8`; backoff 0 kept exact). Unigrams are never quantized.
   */
  quantize?: Quantization;
}

const MAGIC = 0x4d474e4e; // "NNGM" little-endian
const VERSION = 1;

/**
 * A trie level: the n-grams of one order sorted by (prefix id, word), so the children of prefix p are the slice
 * [firstChild[p], firstChild[p+1]) of `words`, searched by bisection. No hash table: the arrays are views into
 * the loaded buffer.
 */
class TrieLevel implements NgramLookup {
  readonly words: Uint16Array | Uint32Array;
  readonly #firstChild: Uint32Array;
  #parents: Int32Array | undefined;

  constructor(words: Uint16Array | Uint32Array, firstChild: Uint32Array) {
    this.words = words;
    this.#firstChild = firstChild;
  }

  get size(): number {
    return this.words.length;
  }

  /** Prefix ids, materialized on first use (only ARPA export needs them). */
  get parents(): Int32Array {
    if (this.#parents === undefined) {
      const parents = new Int32Array(this.words.length);
      const first = this.#firstChild;
      for (let p = 0; p + 1 < first.length; p++) parents.fill(p, first[p]!, first[p + 1]!);
      this.#parents = parents;
    }
    return this.#parents;
  }

  find(parent: number, word: number): number {
    const first = this.#firstChild;
    if (parent < 0 || parent + 1 >= first.length) return -1;
    let lo = first[parent]!;
    let hi = first[parent + 1]!;
    const words = this.words;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const w = words[mid]!;
      if (w === word) return mid;
      if (w < word) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }
}

/**
 * Serializes a backoff model into a compact trie (see {@link loadBinaryModel}): vocabulary, then per order the
 * sorted word ids (16-bit when the vocabulary allows), first-child offsets, and float32 or 8-bit quantized values.
 */
export function toBinaryModel(model: BackoffLanguageModel, options: BinaryModelOptions = {}): Uint8Array {
  check.options(options, 'options', ['quantize']);
  const quantize = check.oneOf(options.quantize ?? 'none', 'options.quantize', ['none', 'q8'] as const);
  const { order, wordIndex, indexes, log10Probs, log10Backoffs } = model.data;
  const wide = wordIndex.size > 65536;
  // New ids: each order sorted by (new prefix id, word); unigram ids stay vocabulary ids.
  const sizes = log10Probs.map((lp) => lp.length);
  const { perms, prefixPositions } = trieOrder(model.data);
  const words: (Uint16Array | Uint32Array)[] = [];
  const firstChildren: Uint32Array[] = [];
  for (let n = 1; n < order; n++) {
    const index = indexes[n]!;
    const perm = perms[n]!;
    const prefixes = prefixPositions[n]!;
    const size = sizes[n]!;
    const w = wide ? new Uint32Array(size) : new Uint16Array(size);
    const first = new Uint32Array(sizes[n - 1]! + 1);
    for (let i = 0; i < size; i++) {
      w[i] = index.words[perm[i]!]!;
      first[prefixes[i]! + 1]! += 1;
    }
    for (let p = 1; p < first.length; p++) first[p]! += first[p - 1]!;
    words.push(w);
    firstChildren.push(first);
  }

  const parts: Uint8Array[] = [];
  const header = new Uint32Array(4 + order);
  header.set([MAGIC, VERSION, order, quantize === 'q8' ? 1 : 0]);
  sizes.forEach((s, n) => (header[4 + n] = s));
  parts.push(bytes(header));
  const vocabBytes = new TextEncoder().encode(wordIndex.words().join('\0'));
  parts.push(bytes(Uint32Array.of(vocabBytes.length)), vocabBytes);
  for (let n = 0; n < order; n++) {
    const perm = perms[n]!;
    const lp = permute(log10Probs[n]!, perm);
    const bo = permute(log10Backoffs[n]!, perm);
    if (n > 0) parts.push(bytes(words[n - 1]!), bytes(firstChildren[n - 1]!));
    const last = n === order - 1;
    if (quantize === 'q8' && n > 0) {
      parts.push(...quantized(lp, false));
      if (!last) parts.push(...quantized(bo, true));
    } else {
      parts.push(bytes(lp));
      if (!last) parts.push(bytes(bo));
    }
  }
  // Sections are padded to 4 bytes so every typed array can be a view into the buffer.
  const total = parts.reduce((s, p) => s + align(p.length), 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += align(p.length);
  }
  return out;
}

/**
 * Loads a model written by {@link toBinaryModel} from bytes (an ArrayBuffer from `fetch`, a file, IndexedDB).
 * Float32 arrays and word/offset arrays are views into the buffer (no copy); quantized values are expanded.
 * @throws BinaryModelFormatError for bytes that are not such a model (wrong magic, version, or truncated).
 */
export function loadBinaryModel(input: ArrayBuffer | Uint8Array): BackoffLanguageModel {
  const view = input instanceof Uint8Array ? input : new Uint8Array(input);
  // Views need 4-byte alignment of the start: copy when the caller's view is unaligned.
  const data = view.byteOffset % 4 === 0 ? view : view.slice();
  const buffer = data.buffer;
  let at = data.byteOffset;
  const end = data.byteOffset + data.byteLength;
  const take = <T>(count: number, size: number, make: (b: ArrayBufferLike, o: number, n: number) => T): T => {
    if (at + count * size > end) throw new BinaryModelFormatError(`truncated: needed ${count * size} more bytes at offset ${at - data.byteOffset}`);
    const result = make(buffer, at, count);
    at += align(count * size);
    return result;
  };
  const u32 = (n: number): Uint32Array => take(n, 4, (b, o, c) => new Uint32Array(b, o, c));
  const head = u32(4);
  if (head[0] !== MAGIC) throw new BinaryModelFormatError('not an @nlpkit/ngram binary model (bad magic number)');
  if (head[1] !== VERSION) throw new BinaryModelFormatError(`version ${head[1]} is not supported (expected ${VERSION})`);
  const order = head[2]!;
  if (order < 1 || order > 10) throw new BinaryModelFormatError(`order ${order} is out of range 1..10`);
  const q8 = head[3] === 1;
  const sizes = Array.from(u32(order));
  const vocabLength = u32(1)[0]!;
  const vocabText = new TextDecoder().decode(take(vocabLength, 1, (b, o, c) => new Uint8Array(b, o, c)));
  const list = vocabText.split('\0');
  if (list.length !== sizes[0]) throw new BinaryModelFormatError(`vocabulary has ${list.length} words, header says ${sizes[0]}`);
  const wordIndex = new NgramWordIndex();
  list.forEach((w, i) => {
    if (w === PAD) throw new BinaryModelFormatError(`vocabulary entry ${i} is <pad>, reserved for padding`);
    if (wordIndex.add(w) !== i) throw new BinaryModelFormatError(`vocabulary entry ${i} (${describeValue(w)}) is out of place`);
  });
  const wide = sizes[0]! > 65536;
  const indexes: (TrieLevel | undefined)[] = [undefined];
  const log10Probs: Float32Array[] = [];
  const log10Backoffs: Float32Array[] = [];
  const f32 = (n: number): Float32Array => take(n, 4, (b, o, c) => new Float32Array(b, o, c));
  const codes = (n: number, zero: boolean): Float32Array => {
    const book = f32(256);
    const code = take(n, 1, (b, o, c) => new Uint8Array(b, o, c));
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = zero && code[i] === 0 ? 0 : book[code[i]!]!;
    return values;
  };
  for (let n = 0; n < order; n++) {
    const size = sizes[n]!;
    if (n > 0) {
      const words = wide ? u32(size) : take(size, 2, (b, o, c) => new Uint16Array(b, o, c));
      const first = u32(sizes[n - 1]! + 1);
      if (first[first.length - 1] !== size) throw new BinaryModelFormatError(`order ${n + 1} offsets do not add up`);
      indexes.push(new TrieLevel(words, first));
    }
    const last = n === order - 1;
    if (q8 && n > 0) {
      log10Probs.push(codes(size, false));
      log10Backoffs.push(last ? new Float32Array(size) : codes(size, true));
    } else {
      log10Probs.push(f32(size));
      log10Backoffs.push(last ? new Float32Array(size) : f32(size));
    }
  }
  return new BackoffLanguageModel({ order, wordIndex, indexes, log10Probs, log10Backoffs });
}

/** Bytes per n-gram of a binary model (total bytes over the number of n-grams of all orders). */
export function bytesPerNgram(binary: Uint8Array, model: BackoffLanguageModel): number {
  return binary.byteLength / model.counts.reduce((s, c) => s + c, 0);
}

function permute(values: Float32Array, perm: Uint32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < perm.length; i++) out[i] = values[perm[i]!]!;
  return out;
}

/** 256-entry codebook (equal-count bins, bin mean) and codes; with `keepZero`, code 0 means exactly 0. */
function quantized(values: Float32Array, keepZero: boolean): Uint8Array[] {
  const sorted = Float32Array.from(values.filter((v) => !(keepZero && v === 0))).sort();
  const bins = keepZero ? 255 : 256;
  const book = new Float32Array(256);
  const centers: number[] = [];
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * sorted.length) / bins);
    const to = Math.floor(((b + 1) * sorted.length) / bins);
    if (to <= from) continue;
    let sum = 0;
    for (let i = from; i < to; i++) sum += sorted[i]!;
    const center = Math.fround(sum / (to - from));
    if (centers.length === 0 || centers[centers.length - 1] !== center) centers.push(center);
  }
  if (centers.length === 0) centers.push(0);
  const offset = keepZero ? 1 : 0;
  centers.forEach((c, i) => (book[i + offset] = c));
  const code = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (keepZero && v === 0) continue;
    // Nearest center by bisection on the sorted centers.
    let lo = 0;
    let hi = centers.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v > (centers[mid]! + centers[mid + 1]!) / 2) lo = mid + 1;
      else hi = mid;
    }
    code[i] = lo + offset;
  }
  return [bytes(book), code];
}

function bytes(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function align(n: number): number {
  return (n + 3) & ~3;
}
