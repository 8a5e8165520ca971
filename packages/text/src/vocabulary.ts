import { FormatError, describe } from './errors.js';
import { expectInteger } from './validate.js';

/** The special tokens a vocabulary reserves by default, in id order: `<pad>` = 0, `<unk>` = 1, `<s>` = 2, `</s>` = 3. */
export const DEFAULT_SPECIALS: readonly string[] = ['<pad>', '<unk>', '<s>', '</s>'];

/** Options for {@link buildVocabulary}. */
export interface VocabularyOptions {
  /** Drop tokens seen fewer times than this (default 1). */
  readonly minCount?: number;
  /** Largest vocabulary size, special tokens included (default: no limit). */
  readonly maxSize?: number;
  /** Special tokens, given the first ids in this order (default {@link DEFAULT_SPECIALS}). */
  readonly specials?: readonly string[];
  /** The special token unknown tokens map to (default `'<unk>'`); `null` makes unknown tokens an error. */
  readonly unknown?: string | null;
}

/** A vocabulary as plain data, for `JSON.stringify` and {@link vocabularyFromJSON}. */
export interface VocabularyJSON {
  readonly format: 'nlpkit-vocabulary';
  readonly version: 1;
  readonly tokens: readonly string[];
  readonly specials: readonly string[];
  readonly unknown: string | null;
  /** Corpus count of each token (0 for specials), aligned with `tokens`. */
  readonly counts: readonly number[];
}

/** A token ↔ id mapping. Build one with {@link buildVocabulary}; it never changes after that. */
export interface Vocabulary {
  /** Tokens by id. */
  readonly tokens: readonly string[];
  /** Number of ids. */
  readonly size: number;
  /** Id of the unknown token, or -1 when unknown tokens are an error. */
  readonly unknownId: number;
  /** Id of `token`: the unknown id for tokens not in the vocabulary (or a RangeError without one). */
  id(token: string): number;
  /** Whether `token` has its own id. */
  has(token: string): boolean;
  /** Token of `id`; RangeError outside `0..size-1`. */
  token(id: number): string;
  /** Corpus count of the token with this id (0 for special tokens). */
  count(id: number): number;
  /** Ids of tokens; `bos`/`eos` wrap the sequence in `<s>` … `</s>` (those specials must exist). */
  encode(tokens: readonly string[], options?: { readonly bos?: boolean; readonly eos?: boolean }): number[];
  /** Tokens of ids; `skipSpecials` drops special tokens (padding, sentence marks). */
  decode(ids: readonly number[], options?: { readonly skipSpecials?: boolean }): string[];
  /** One-hot rows, one `Float32Array` of length `size` per id. */
  oneHot(ids: readonly number[]): Float32Array[];
  /** Plain data for JSON. */
  toJSON(): VocabularyJSON;
}

/**
 * Counts tokens over sentences (any iterable of token arrays, e.g. a reader's output).
 * @returns token → count, in first-seen order
 */
export function countTokens(sentences: Iterable<readonly string[]>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sentence of sentences) {
    if (!Array.isArray(sentence)) {
      throw new TypeError(`@nlpkit/text: sentences must hold token arrays, got ${describe(sentence)}`);
    }
    for (const token of sentence) {
      if (typeof token !== 'string') throw new TypeError(`@nlpkit/text: tokens must be strings, got ${describe(token)}`);
      counts.set(token, (counts.get(token) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Builds a vocabulary from token counts: special tokens first, then tokens by decreasing count, ties broken by
 * code-point order of the token (never by insertion order, so the same counts always give the same ids).
 *
 * @param counts token → count (from {@link countTokens}), or sentences to count
 * @example
 * const vocab = buildVocabulary(countTokens([['a', 'b', 'a']]), { minCount: 1 });
 * vocab.encode(['a', 'zzz']) // → [4, 1]
 */
export function buildVocabulary(
  counts: ReadonlyMap<string, number> | Iterable<readonly string[]>,
  options: VocabularyOptions = {},
): Vocabulary {
  const minCount = expectInteger(options.minCount ?? 1, 'options.minCount', 1);
  const maxSize = options.maxSize === undefined ? Infinity : expectInteger(options.maxSize, 'options.maxSize', 1);
  const specials = options.specials ?? DEFAULT_SPECIALS;
  const unknown = options.unknown === undefined ? (specials.includes('<unk>') ? '<unk>' : null) : options.unknown;
  const table = counts instanceof Map ? (counts as ReadonlyMap<string, number>) : countTokens(counts as Iterable<readonly string[]>);
  for (const [token, c] of table) {
    if (typeof token !== 'string' || typeof c !== 'number' || !(c >= 0)) {
      throw new TypeError(`@nlpkit/text: counts must map strings to non-negative numbers, got ${describe(token)} → ${describe(c)}`);
    }
  }
  const specialSet = new Set(specials);
  const ranked = [...table].filter(([t, c]) => c >= minCount && !specialSet.has(t));
  ranked.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const room = Math.max(0, maxSize - specials.length);
  const kept = ranked.slice(0, room);
  return makeVocabulary(
    [...specials, ...kept.map(([t]) => t)],
    specials,
    unknown,
    [...specials.map(() => 0), ...kept.map(([, c]) => c)],
  );
}

/** Restores a vocabulary saved with `JSON.stringify(vocab)`. Throws {@link FormatError} on malformed data. */
export function vocabularyFromJSON(json: string | VocabularyJSON): Vocabulary {
  const data = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<VocabularyJSON> | null;
  if (data === null || typeof data !== 'object' || data.format !== 'nlpkit-vocabulary' || data.version !== 1) {
    throw new FormatError('vocabulary JSON must have format "nlpkit-vocabulary" and version 1');
  }
  const { tokens, specials, unknown, counts } = data;
  if (!Array.isArray(tokens) || !Array.isArray(specials) || !Array.isArray(counts) || counts.length !== tokens.length) {
    throw new FormatError('vocabulary JSON must have tokens, specials and counts arrays of matching length');
  }
  return makeVocabulary(tokens, specials, unknown ?? null, counts);
}

function makeVocabulary(
  tokens: readonly string[],
  specials: readonly string[],
  unknown: string | null,
  counts: readonly number[],
): Vocabulary {
  const index = new Map<string, number>();
  tokens.forEach((t, i) => {
    if (typeof t !== 'string') throw new FormatError(`vocabulary token ${i} must be a string, got ${describe(t)}`);
    if (index.has(t)) throw new FormatError(`vocabulary token ${JSON.stringify(t)} appears twice`);
    index.set(t, i);
  });
  const unknownId = unknown === null ? -1 : (index.get(unknown) ?? -2);
  if (unknownId === -2) {
    throw new RangeError(`@nlpkit/text: options.unknown must be one of the special tokens, got ${describe(unknown)}`);
  }
  const specialIds = new Set(specials.map((s) => index.get(s)));
  const size = tokens.length;
  const id = (token: string): number => {
    const i = index.get(token);
    if (i !== undefined) return i;
    if (unknownId >= 0) return unknownId;
    throw new RangeError(`@nlpkit/text: token ${describe(token)} is not in the vocabulary and it has no unknown token`);
  };
  const checkId = (i: unknown): number => expectInteger(i, 'id', 0, size - 1);
  const special = (name: string): number => {
    const i = index.get(name);
    if (i === undefined) throw new RangeError(`@nlpkit/text: the vocabulary has no ${name} token`);
    return i;
  };
  return {
    tokens,
    size,
    unknownId,
    id,
    has: (token) => index.has(token),
    token: (i) => tokens[checkId(i)] as string,
    count: (i) => counts[checkId(i)] as number,
    encode(list, options = {}) {
      if (!Array.isArray(list)) throw new TypeError(`@nlpkit/text: tokens must be an array, got ${describe(list)}`);
      const ids = list.map(id);
      if (options.bos) ids.unshift(special('<s>'));
      if (options.eos) ids.push(special('</s>'));
      return ids;
    },
    decode(ids, options = {}) {
      if (!Array.isArray(ids)) throw new TypeError(`@nlpkit/text: ids must be an array, got ${describe(ids)}`);
      const out: string[] = [];
      for (const i of ids) {
        checkId(i);
        if (options.skipSpecials && specialIds.has(i)) continue;
        out.push(tokens[i] as string);
      }
      return out;
    },
    oneHot(ids) {
      return ids.map((i) => {
        const row = new Float32Array(size);
        row[checkId(i)] = 1;
        return row;
      });
    },
    toJSON: () => ({ format: 'nlpkit-vocabulary', version: 1, tokens: [...tokens], specials: [...specials], unknown, counts: [...counts] }),
  };
}
