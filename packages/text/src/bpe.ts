import { FormatError, isIterable } from '@nlpkit/core';
import { applyMerges, mergeTable } from './applyMerges.js';
import { PKG, check, checkText } from './errors.js';
import { BPE_PIECES, forEachPiece, splitPieces } from './splitPieces.js';

/** A trained byte-pair-encoding model as plain data (save it with `JSON.stringify`). */
export interface BpeModel {
  readonly format: 'nlpkit-bpe';
  readonly version: 1;
  /**
   * Tokens by id. Ids 0–255 are the UTF-8 bytes (`<0x00>` … `<0xFF>`), used for characters never seen in
   * training, so every string can be encoded; then the training alphabet; then one token per merge.
   */
  readonly vocab: readonly string[];
  /** Merges in the order they were learned (their rank). */
  readonly merges: readonly (readonly [string, string])[];
}

/** Options for {@link trainBpe}. */
export interface BpeTrainOptions {
  /** Stop when the vocabulary (bytes + alphabet + merges) reaches this size (default 1000). */
  readonly vocabSize?: number;
  /** Only merge pairs seen at least this often (default 2). */
  readonly minFrequency?: number;
}

/** An encoder/decoder for a {@link BpeModel}. */
export interface BpeTokenizer {
  readonly model: BpeModel;
  /** Token strings for `text` (byte tokens look like `<0xE2>`). */
  tokenize(text: string): string[];
  /** Token ids for `text`. */
  encode(text: string): number[];
  /**
   * The text of `ids`; `decode(encode(x)) === x` for every well-formed string, byte-order marks (U+FEFF)
   * included wherever they are: a BOM in a token stream is text, never a signature to strip. Byte tokens that do
   * not form valid UTF-8 (possible only for ids not made by `encode`) decode to U+FFFD.
   */
  decode(ids: readonly number[]): string;
}

const BYTES = 256;
// Pieces never merged across (`/ ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+|\s+(?!\S)|\s+/gu`, scanned
// without that regex, which overflows V8's stack on runs of millions of characters): GPT-2 style, a word keeps
// its leading space; letters, numbers and other characters are separate pieces. Every character belongs to
// exactly one piece, so pieces concatenate back.
const pieces = (text: string): string[] => splitPieces(text, BPE_PIECES);

const BYTE_NAMES: readonly string[] = Array.from({ length: BYTES }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
const byteName = (b: number): string => BYTE_NAMES[b] as string;
const pairKey = (a: string, b: string): string => `${a.length}:${a}${b}`;
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Pieces up to this many code units are cached by the tokenizer (longer ones are rare and would pin memory). */
const CACHED_PIECE = 64;

/**
 * Learns BPE merges from texts. Deterministic: the result depends only on the multiset of pieces, never on the
 * order of the texts; among equally frequent pairs the one whose symbols sort first (by code point) is merged.
 *
 * @param texts training texts (any iterable, e.g. lines of a file read into memory)
 * @example
 * const model = trainBpe(['low lower lowest', 'new newer'], { vocabSize: 300 });
 * const bpe = bpeTokenizer(model);
 * bpe.decode(bpe.encode('lowest newest')) // → 'lowest newest'
 */
export function trainBpe(texts: Iterable<string>, options: BpeTrainOptions = {}): BpeModel {
  check.options(options, 'options', ['vocabSize', 'minFrequency']);
  const vocabSize = check.integer(options.vocabSize ?? 1000, 'options.vocabSize', BYTES);
  const minFrequency = check.integer(options.minFrequency ?? 2, 'options.minFrequency', 1);
  if (!isIterable(texts) || typeof texts === 'string') throw check.invalid(texts, 'texts', 'an iterable of strings');
  const pieceCounts = new Map<string, number>();
  let i = 0;
  for (const text of texts) {
    checkText(text, `texts[${i++}]`);
    for (const p of pieces(text)) pieceCounts.set(p, (pieceCounts.get(p) ?? 0) + 1);
  }
  const words = [...pieceCounts].map(([p, count]) => ({ symbols: Array.from(p), count }));
  const charCounts = new Map<string, number>();
  for (const w of words) for (const c of w.symbols) charCounts.set(c, (charCounts.get(c) ?? 0) + w.count);
  const alphabet = [...charCounts].sort((a, b) => b[1] - a[1] || compare(a[0], b[0])).map(([c]) => c);
  const vocab: string[] = [];
  for (let b = 0; b < BYTES; b++) vocab.push(byteName(b));
  vocab.push(...alphabet.slice(0, vocabSize - BYTES));
  const known = new Set(vocab.slice(BYTES));
  const merges: [string, string][] = [];
  while (vocab.length < vocabSize) {
    const pairs = new Map<string, { a: string; b: string; count: number }>();
    for (const w of words) {
      for (let k = 0; k + 1 < w.symbols.length; k++) {
        const a = w.symbols[k] as string;
        const b = w.symbols[k + 1] as string;
        if (!known.has(a) || !known.has(b)) continue;
        const key = pairKey(a, b);
        const entry = pairs.get(key);
        if (entry === undefined) pairs.set(key, { a, b, count: w.count });
        else entry.count += w.count;
      }
    }
    let best: { a: string; b: string; count: number } | undefined;
    for (const p of pairs.values()) {
      if (best === undefined || p.count > best.count || (p.count === best.count && (compare(p.a, best.a) || compare(p.b, best.b)) < 0)) {
        best = p;
      }
    }
    if (best === undefined || best.count < minFrequency) break;
    const merged = best.a + best.b;
    merges.push([best.a, best.b]);
    if (!known.has(merged)) {
      vocab.push(merged);
      known.add(merged);
    }
    for (const w of words) w.symbols = mergePair(w.symbols, best.a, best.b);
  }
  return { format: 'nlpkit-bpe', version: 1, vocab, merges };
}

function mergePair(symbols: string[], a: string, b: string): string[] {
  const out: string[] = [];
  for (let k = 0; k < symbols.length; k++) {
    if (symbols[k] === a && symbols[k + 1] === b) {
      out.push(a + b);
      k++;
    } else {
      out.push(symbols[k] as string);
    }
  }
  return out;
}

/**
 * Makes an encoder/decoder for a model from {@link trainBpe} (or its JSON). Throws {@link FormatError} when the
 * model is not a valid `nlpkit-bpe` model.
 */
export function bpeTokenizer(model: BpeModel | string): BpeTokenizer {
  const m = parseJson(model, 'model') as Partial<BpeModel> | null;
  if (m === null || typeof m !== 'object' || m.format !== 'nlpkit-bpe' || !Array.isArray(m.vocab) || !Array.isArray(m.merges)) {
    throw new FormatError({
      package: PKG,
      argument: 'model',
      expected: 'a BPE model with format "nlpkit-bpe", a vocab array and a merges array',
      found: m,
    });
  }
  const vocab = m.vocab;
  if (vocab.length < BYTES) {
    throw new FormatError({ package: PKG, argument: 'model.vocab', expected: `the ${BYTES} byte tokens first`, found: vocab });
  }
  const index = new Map<string, number>();
  vocab.forEach((t: unknown, id) => {
    if (typeof t !== 'string') throw new FormatError({ package: PKG, argument: `model.vocab[${id}]`, expected: 'a string', found: t });
    if (id >= BYTES && !index.has(t)) index.set(t, id);
  });
  m.merges.forEach((pair: unknown, r) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string' || pair[0] === '' || pair[1] === '') {
      throw new FormatError({ package: PKG, argument: `model.merges[${r}]`, expected: 'a pair of non-empty strings', found: pair });
    }
  });
  const table = mergeTable(m.merges, 'model.merges');
  // Symbol ids of single characters, by UTF-16 unit (BMP) or code point (astral): no string per character.
  const unitIds = new Int32Array(0x10000).fill(-1);
  const astralIds = new Map<number, number>();
  table.ids.forEach((id, s) => {
    const cp = s.codePointAt(0) ?? 0;
    if (s.length === 1) unitIds[cp] = id;
    else if (s.length === 2 && cp > 0xffff) astralIds.set(cp, id);
  });
  const encoder = new TextEncoder();
  const cache = new Map<string, readonly number[]>();
  // Ids of a final symbol: its vocabulary id, or its UTF-8 bytes.
  const symbolIds = new Map<string, readonly number[]>();
  const idsOf = (sym: string): readonly number[] => {
    let hit = symbolIds.get(sym);
    if (hit === undefined) {
      const id = index.get(sym);
      hit = id !== undefined ? [id] : Array.from(encoder.encode(sym));
      if (sym.length <= 16 && symbolIds.size < 100_000) symbolIds.set(sym, hit);
    }
    return hit;
  };
  // Ids of each merge-table symbol (see idsOf), filled as symbols turn up.
  const bySymbol: (readonly number[] | undefined)[] = new Array<readonly number[] | undefined>(table.strings.length);
  const encodePiece = (text: string, start: number, end: number, ids: IdList): void => {
    const short = end - start <= CACHED_PIECE;
    const piece = short ? text.slice(start, end) : '';
    if (short) {
      const hit = cache.get(piece);
      if (hit !== undefined) {
        ids.pushAll(hit);
        return;
      }
    }
    // One symbol per code point, with its offset in the text.
    const offsets = new Int32Array(end - start + 1);
    const symbols = new Int32Array(end - start);
    let count = 0;
    for (let k = start; k < end; ) {
      const c = text.charCodeAt(k);
      offsets[count] = k;
      if (c >= 0xd800 && c <= 0xdbff && k + 1 < end) {
        symbols[count++] = astralIds.get(text.codePointAt(k) ?? 0) ?? -1;
        k += 2;
      } else {
        symbols[count++] = unitIds[c] as number;
        k += 1;
      }
    }
    offsets[count] = end;
    const merged = applyMerges(symbols.subarray(0, count), table);
    const from = ids.length;
    const { starts } = merged;
    for (let j = 0; j < starts.length; j++) {
      const symbol = merged.ids[j] as number;
      let hit: readonly number[];
      if (symbol >= 0) {
        // A symbol of the merge table: its ids by symbol id, with no string made from the text.
        hit = bySymbol[symbol] ?? (bySymbol[symbol] = idsOf(table.strings[symbol] as string));
      } else {
        const a = offsets[starts[j] as number] as number;
        const b = j + 1 < starts.length ? (offsets[starts[j + 1] as number] as number) : end;
        hit = idsOf(text.slice(a, b));
      }
      ids.pushAll(hit);
    }
    if (short && cache.size < 50_000) cache.set(piece, ids.slice(from));
  };
  const encode = (text: string): number[] => {
    checkText(text, 'text');
    const ids = new IdList(text.length);
    forEachPiece(text, BPE_PIECES, (start, end) => encodePiece(text, start, end, ids));
    return ids.slice(0);
  };
  return {
    model: m as BpeModel,
    tokenize: (text) => encode(text).map((id) => (id < BYTES ? byteName(id) : (vocab[id] as string))),
    encode,
    decode(ids) {
      check.array(ids, 'ids');
      // ignoreBOM keeps U+FEFF: TextDecoder would otherwise drop it at the start of every run of byte tokens.
      const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      let out = '';
      let bytes: number[] = [];
      const flush = (): void => {
        if (bytes.length > 0) out += decoder.decode(new Uint8Array(bytes));
        bytes = [];
      };
      for (const id of ids) {
        check.integer(id, 'id', 0, vocab.length - 1);
        if (id < BYTES) {
          bytes.push(id);
        } else {
          flush();
          out += vocab[id] as string;
        }
      }
      flush();
      return out;
    },
  };
}

/**
 * The ids of one encoding, in a typed array that doubles as it fills: pushing millions of ids onto a JavaScript
 * array costs ~4× more (each growth allocates a new backing store); `slice` copies them out once.
 */
class IdList {
  private data: Int32Array;
  length = 0;

  constructor(expected: number) {
    this.data = new Int32Array(Math.max(16, Math.min(expected, 1 << 16)));
  }

  pushAll(ids: readonly number[]): void {
    if (this.length + ids.length > this.data.length) {
      const grown = new Int32Array(Math.max(2 * this.data.length, this.length + ids.length));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    for (let i = 0; i < ids.length; i++) this.data[this.length++] = ids[i] as number;
  }

  /** The ids from `from` to the end, as a plain array. */
  slice(from: number): number[] {
    const out = new Array<number>(this.length - from);
    for (let i = from; i < this.length; i++) out[i - from] = this.data[i] as number;
    return out;
  }
}

/** `JSON.parse` for model files, as a {@link FormatError} on bad JSON. @internal shared with the tokenizer.json loader */
export function parseJson(json: unknown, argument: string): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json) as unknown;
  } catch (cause) {
    throw new FormatError({ package: PKG, argument, expected: 'valid JSON', foundText: String(cause), cause });
  }
}
