import { FormatError, isIterable } from '@nlpkit/core';
import { PKG, check, checkText } from './errors.js';

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
  /** The text of `ids`; `decode(encode(x)) === x` for every well-formed string. */
  decode(ids: readonly number[]): string;
}

const BYTES = 256;
// Pieces never merged across: GPT-2 style, a word keeps its leading space; letters, numbers and other
// characters are separate pieces. Every character belongs to exactly one piece, so pieces concatenate back.
const PIECE = / ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+|\s+(?!\S)|\s+/gu;

const byteName = (b: number): string => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
const pairKey = (a: string, b: string): string => `${a.length}:${a}${b}`;
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function pieces(text: string): string[] {
  return text.match(PIECE) ?? [];
}

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
 * Applies merges to one piece's symbols, lowest rank first (the standard BPE encoding procedure).
 * @internal shared with the tokenizer.json loader
 */
export function applyMerges(symbols: string[], ranks: ReadonlyMap<string, number>): string[] {
  let current = symbols;
  for (;;) {
    let bestRank = Infinity;
    let bestAt = -1;
    for (let k = 0; k + 1 < current.length; k++) {
      const r = ranks.get(pairKey(current[k] as string, current[k + 1] as string));
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        bestAt = k;
      }
    }
    if (bestAt < 0) return current;
    current = mergePair(current, current[bestAt] as string, current[bestAt + 1] as string);
  }
}

/** Builds the merge-rank table used by {@link applyMerges}. @internal */
export function mergeRanks(merges: readonly (readonly [string, string])[]): Map<string, number> {
  const ranks = new Map<string, number>();
  merges.forEach(([a, b], r) => {
    const key = pairKey(a, b);
    if (!ranks.has(key)) ranks.set(key, r);
  });
  return ranks;
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
  vocab.forEach((t, id) => {
    if (id >= BYTES && !index.has(t)) index.set(t, id);
  });
  const ranks = mergeRanks(m.merges);
  const encoder = new TextEncoder();
  const cache = new Map<string, string[]>();
  const tokenizePiece = (piece: string): string[] => {
    const hit = cache.get(piece);
    if (hit !== undefined) return hit;
    const out: string[] = [];
    for (const sym of applyMerges(Array.from(piece), ranks)) {
      if (index.has(sym)) out.push(sym);
      else for (const byte of encoder.encode(sym)) out.push(byteName(byte));
    }
    if (cache.size < 50_000) cache.set(piece, out);
    return out;
  };
  const tokenize = (text: string): string[] => {
    checkText(text, 'text');
    return pieces(text).flatMap(tokenizePiece);
  };
  return {
    model: m as BpeModel,
    tokenize,
    encode(text) {
      checkText(text, 'text');
      const ids: number[] = [];
      for (const piece of pieces(text)) {
        for (const t of tokenizePiece(piece)) ids.push(index.get(t) ?? Number.parseInt(t.slice(3, 5), 16));
      }
      return ids;
    },
    decode(ids) {
      check.array(ids, 'ids');
      const decoder = new TextDecoder();
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

/** `JSON.parse` for model files, as a {@link FormatError} on bad JSON. @internal shared with the tokenizer.json loader */
export function parseJson(json: unknown, argument: string): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json) as unknown;
  } catch (cause) {
    throw new FormatError({ package: PKG, argument, expected: 'valid JSON', foundText: String(cause), cause });
  }
}
