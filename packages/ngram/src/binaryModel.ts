import { BackoffLanguageModel, type NgramLookup } from './backoffLanguageModel.js';
import { PAD, describeValue } from '@nlpkit/core';
import { sniffText } from './detectFormat.js';
import { BinaryModelFormatError, WrongFormatError, check } from './errors.js';
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

/** Options of {@link loadBinaryModel}. */
export interface LoadBinaryModelOptions {
  /**
   * Check the checksum stored in the header (default true): any changed, missing or extra byte is then refused.
   * With `false` the bytes are still validated (ids in range, offsets consistent, log10 probabilities ≤ 0 and
   * backoffs below +∞, neither NaN), so a damaged file can change scores but never make them NaN or positive.
   */
  verify?: boolean;
}

const MAGIC = 0x4d474e4e; // "NNGM" little-endian
/** Version 2 added the checksum (header word 4); version 1 files (no checksum) still load. */
const VERSION = 2;
/** Header words before the per-order sizes, by version. */
const HEADER_WORDS: Record<number, number> = { 1: 4, 2: 5 };
/** Index of the checksum in a version-2 header. */
const CHECKSUM_WORD = 4;

/**
 * A multiply-xorshift hash of the file's 32-bit words (skipping the checksum word itself), then of its length.
 * Each step — xor the word, multiply by an odd constant, xor-shift right — is a bijection of the running hash for
 * a fixed word and of the word for a fixed hash, so any single changed word always changes the result; the shift
 * carries high bits down, so changes elsewhere escape with probability about 2^-32 (plain FNV lets high-bit
 * changes of two words cancel).
 */
export function binaryChecksum(words: Uint32Array, skip = CHECKSUM_WORD): number {
  return binaryChecksumEnd(binaryChecksumUpdate(BINARY_CHECKSUM_START, words, 0, skip), words.length);
}

/** The running value {@link binaryChecksum} starts from (for {@link binaryChecksumUpdate}). */
export const BINARY_CHECKSUM_START = 0x811c9dc5 | 0;

/**
 * {@link binaryChecksum} over a file given in pieces (a writer that streams it): feeds `words`, whose first word is
 * word `offset` of the file, into the running value `h` (skipping word `skip` of the file); returns the new value.
 */
export function binaryChecksumUpdate(h: number, words: Uint32Array, offset: number, skip = CHECKSUM_WORD): number {
  // The same bits read as int32: a word of 2^31 or more read from a Uint32Array is not an int32, which made the
  // optimized loop bail out once per file. The skipped word splits the loop in two (no test per word).
  const signed = new Int32Array(words.buffer, words.byteOffset, words.length);
  const at = skip - offset;
  if (at < 0 || at >= signed.length) return checksumWords(h, signed, 0, signed.length);
  return checksumWords(checksumWords(h, signed, 0, at), signed, at + 1, signed.length);
}

function checksumWords(h: number, words: Int32Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    h = Math.imul(h ^ words[i]!, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return h;
}

/** The checksum of a file of `length` 32-bit words from the running value after its last word. */
export function binaryChecksumEnd(h: number, length: number): number {
  h = Math.imul(h ^ length, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/**
 * The header of a binary model (checksum word 0, to be filled in): magic, version, order, flags (1: q8), checksum,
 * then the number of n-grams per order. Shared by {@link toBinaryModel} and the out-of-core writer.
 */
export function binaryModelHeader(order: number, q8: boolean, sizes: readonly number[]): Uint32Array {
  const header = new Uint32Array(HEADER_WORDS[VERSION]! + order);
  header.set([MAGIC, VERSION, order, q8 ? 1 : 0, 0]);
  sizes.forEach((s, n) => (header[HEADER_WORDS[VERSION]! + n] = s));
  return header;
}

/** Index of the checksum word in the header of {@link binaryModelHeader}. */
export const BINARY_CHECKSUM_WORD = CHECKSUM_WORD;

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
    // Most prefixes have few children: a short scan of one cache line beats the bisection's unpredictable branches.
    if (hi - lo <= 8) {
      for (; lo < hi; lo++) {
        const w = words[lo]!;
        if (w >= word) return w === word ? lo : -1;
      }
      return -1;
    }
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
  parts.push(bytes(binaryModelHeader(order, quantize === 'q8', sizes)));
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
  const all = new Uint32Array(out.buffer, 0, total / 4);
  all[CHECKSUM_WORD] = binaryChecksum(all);
  return out;
}

/**
 * Loads a model written by {@link toBinaryModel} from bytes (an ArrayBuffer from `fetch`, a file, IndexedDB).
 * Float32 arrays and word/offset arrays are views into the buffer (no copy); quantized values are expanded.
 * Bytes are treated as untrusted: the checksum is verified (unless `verify: false`) and every id, offset and
 * value is checked, so damaged bytes give an error, never a model that scores NaN or positive log-probabilities.
 * @throws BinaryModelFormatError (code `ERR_BINARY_MODEL_FORMAT`) for damaged bytes (bad checksum, truncated,
 * an id or offset out of range, a NaN or positive log10 probability, a NaN or +∞ backoff); WrongFormatError
 * (code `ERR_WRONG_FORMAT`) for ARPA text, gzip data or a KenLM binary model.
 */
export function loadBinaryModel(input: ArrayBuffer | Uint8Array, options: LoadBinaryModelOptions = {}): BackoffLanguageModel {
  check.options(options, 'options', ['verify']);
  const verify = options.verify ?? true;
  if (typeof verify !== 'boolean') throw check.invalid(verify, 'options.verify', 'a boolean');
  if (!(input instanceof Uint8Array) && !(input instanceof ArrayBuffer)) throw check.invalid(input, 'input', 'an ArrayBuffer or a Uint8Array');
  return decodeBinaryModel(input instanceof Uint8Array ? input : new Uint8Array(input), verify, true);
}

/**
 * {@link loadBinaryModel}'s decoder; with `checked` false, the ids, offsets and values of each order are not
 * checked (nor the checksum, with `verify` false): only for bytes another thread of this process has loaded with
 * every check (the scoring threads of `scoreTextFileParallel`), whose results are used only once those checks
 * have passed. Unchecked bytes never make unsafe reads (JavaScript arrays), only wrong numbers or a long search.
 * Not exported from the package.
 */
export function decodeBinaryModel(view: Uint8Array, verify: boolean, checked: boolean): BackoffLanguageModel {
  const other = otherFormat(view);
  if (other !== undefined) throw other;
  // Views need 4-byte alignment of the start: copy when the caller's view is unaligned (with `new Uint8Array`, which
  // copies for a Node Buffer too, whose `slice()` is a view).
  const data = view.byteOffset % 4 === 0 ? view : new Uint8Array(view);
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
  const head = u32(2);
  if (head[0] !== MAGIC) throw new BinaryModelFormatError('not an @nlpkit/ngram binary model (bad magic number)');
  const version = head[1]!;
  const headerWords = HEADER_WORDS[version];
  if (headerWords === undefined) throw new BinaryModelFormatError(`version ${version} is not supported (expected 1 or ${VERSION})`);
  const rest = u32(headerWords - 2);
  if (version >= 2 && verify) {
    if (data.byteLength % 4 !== 0) throw new BinaryModelFormatError(`length ${data.byteLength} is not a multiple of 4: truncated or extended`);
    const stored = rest[CHECKSUM_WORD - 2]!;
    const actual = binaryChecksum(new Uint32Array(buffer, data.byteOffset, data.byteLength / 4));
    if (stored !== actual) {
      throw new BinaryModelFormatError(
        `checksum mismatch (stored ${hex(stored)}, computed ${hex(actual)}): the bytes are damaged or truncated (pass { verify: false } to load them anyway)`,
      );
    }
  }
  const order = rest[0]!;
  if (order < 1 || order > 10) throw new BinaryModelFormatError(`order ${order} is out of range 1..10`);
  const flags = rest[1]!;
  if (flags > 1) throw new BinaryModelFormatError(`unknown flags ${flags} (expected 0, or 1 for q8)`);
  const q8 = flags === 1;
  const sizes = Array.from(u32(order));
  const vocabLength = u32(1)[0]!;
  let vocabText: string;
  const vocabBytes = take(vocabLength, 1, (b, o, c) => new Uint8Array(b, o, c));
  try {
    vocabText = new TextDecoder('utf-8', { fatal: true }).decode(vocabBytes);
  } catch (error) {
    if (error instanceof BinaryModelFormatError) throw error;
    throw new BinaryModelFormatError('the vocabulary is not valid UTF-8');
  }
  const list = vocabText.split('\0');
  if (list.length !== sizes[0]) throw new BinaryModelFormatError(`vocabulary has ${list.length} words, header says ${sizes[0]}`);
  const wordIndex = new NgramWordIndex();
  list.forEach((w, i) => {
    if (w === PAD) throw new BinaryModelFormatError(`vocabulary entry ${i} is <pad>, reserved for padding`);
    if (w === '') throw new BinaryModelFormatError(`vocabulary entry ${i} is empty`);
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
      if (checked) checkLevel(words, first, size, sizes[0]!, n + 1);
      indexes.push(new TrieLevel(words, first));
    }
    const last = n === order - 1;
    const lp = q8 && n > 0 ? codes(size, false) : f32(size);
    const bo = last ? new Float32Array(size) : q8 && n > 0 ? codes(size, true) : f32(size);
    if (checked) checkValues(lp, bo, n + 1);
    log10Probs.push(lp);
    log10Backoffs.push(bo);
  }
  if (align(at) < end) throw new BinaryModelFormatError(`${end - at} bytes follow the end of the model`);
  // The spellings as bytes for the text scorer; not when the decoder dropped a byte-order mark from them.
  const bom = vocabBytes[0] === 0xef && vocabBytes[1] === 0xbb && vocabBytes[2] === 0xbf;
  return new BackoffLanguageModel({ order, wordIndex, indexes, log10Probs, log10Backoffs, ...(bom ? {} : { wordBytes: vocabBytes }) });
}

/** Checks one trie level: words are vocabulary ids, offsets run from 0 to `size` without going back, and each prefix's children are strictly increasing (the bisection needs it). */
function checkLevel(words: Uint16Array | Uint32Array, first: Uint32Array, size: number, vocabSize: number, n: number): void {
  if (first[0] !== 0 || first[first.length - 1] !== size) throw new BinaryModelFormatError(`order ${n} offsets do not add up`);
  for (let p = 0; p + 1 < first.length; p++) {
    const from = first[p]!;
    const to = first[p + 1]!;
    if (to < from || to > size) throw new BinaryModelFormatError(`order ${n} offset ${p + 1} (${to}) is out of order`);
    for (let i = from; i < to; i++) {
      const w = words[i]!;
      if (w >= vocabSize) throw new BinaryModelFormatError(`order ${n} n-gram ${i} has word id ${w}, beyond the vocabulary (${vocabSize} words)`);
      if (i > from && w <= words[i - 1]!) throw new BinaryModelFormatError(`order ${n} n-grams ${i - 1} and ${i} are not in increasing word order`);
    }
  }
}

/**
 * Log10 probabilities must be ≤ 0, backoffs below +∞; neither NaN. −∞ is allowed for both, as ARPA's `-inf`
 * (SRILM's impossible events, an MLE model's unseen contexts): sums of such values are never NaN.
 */
function checkValues(log10Probs: Float32Array, log10Backoffs: Float32Array, n: number): void {
  for (let i = 0; i < log10Probs.length; i++) {
    const p = log10Probs[i]!;
    if (!(p <= 0)) throw new BinaryModelFormatError(`order ${n} n-gram ${i} has log10 probability ${p}: it must be ≤ 0`);
    const b = log10Backoffs[i]!;
    if (!(b < Number.POSITIVE_INFINITY)) throw new BinaryModelFormatError(`order ${n} n-gram ${i} has backoff ${b}: it must be a number below +∞`);
  }
}

/** A {@link WrongFormatError} when `bytes` are plainly another format (ARPA text, gzip, a KenLM binary). */
function otherFormat(bytes: Uint8Array): WrongFormatError | undefined {
  const head = String.fromCharCode(...bytes.subarray(0, 64));
  const format = sniffText(head);
  if (format === 'gzip') return new WrongFormatError(format, 'binary model: this is gzip data: decompress it first');
  if (format === 'kenlm-binary') return new WrongFormatError(format, 'binary model: this is a KenLM binary model, which @nlpkit/ngram cannot load: write it as ARPA with KenLM and use readArpa');
  if (format === 'stupid-backoff') return new WrongFormatError(format, 'binary model: this is a stupid-backoff counts file (scores, not probabilities), not a language model: read it with readStupidBackoff');
  if (format === undefined && /^\s*(?:\\data\\|[^\0]*\n\\data\\)/.test(String.fromCharCode(...bytes.subarray(0, 1024)))) {
    return new WrongFormatError('arpa', 'binary model: this is ARPA text, not a binary model: read it with readArpa or readArpaFile');
  }
  return undefined;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
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
