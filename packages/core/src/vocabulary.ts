import { FormatError, InvalidArgumentError } from './errors.js';
import { isAsyncIterable } from './iterables.js';
import { tokenText, type TokenLike } from './token.js';
import { validators } from './validators.js';

const PKG = '@nlpkit/core';
const check = validators(PKG);

/** Id of the padding token `<pad>` in every {@link Vocabulary} (0, so zero-filled id tensors are padding). */
export const PAD_ID = 0;
/** Id of the unknown token `<unk>` in every {@link Vocabulary}. */
export const UNK_ID = 1;
/** Id of the sentence-start marker `<s>` in every {@link Vocabulary}. */
export const BOS_ID = 2;
/** Id of the sentence-end marker `</s>` in every {@link Vocabulary}. */
export const EOS_ID = 3;
/** Spelling of the padding token. */
export const PAD = '<pad>';
/** Spelling of the unknown token. */
export const UNK = '<unk>';
/** Spelling of the sentence-start marker. */
export const BOS = '<s>';
/** Spelling of the sentence-end marker. */
export const EOS = '</s>';
/** The reserved tokens every vocabulary starts with, in id order. */
export const SPECIAL_TOKENS: readonly string[] = Object.freeze([PAD, UNK, BOS, EOS]);

/** Options for {@link buildVocabulary}. */
export interface VocabularyOptions {
  /** Drop tokens seen fewer times than this (default 1). */
  readonly minCount?: number;
  /** Largest vocabulary size, reserved and extra special tokens included (default: no limit). */
  readonly maxSize?: number;
  /** More special tokens (e.g. `<mask>`, `<sep>`), given the ids right after the four reserved ones. */
  readonly extraSpecials?: readonly string[];
}

/** A vocabulary as plain data, for `JSON.stringify` and {@link vocabularyFromJSON}. */
export interface VocabularyJSON {
  readonly format: 'nlpkit-vocabulary';
  readonly version: 2;
  /** Tokens by id; the first four are always {@link SPECIAL_TOKENS}. */
  readonly tokens: readonly string[];
  /** How many leading tokens are special (4 + extra specials). */
  readonly specials: number;
  /** Corpus count of each token (0 for specials and where unknown), aligned with `tokens`. */
  readonly counts: readonly number[];
}

/**
 * A frozen token ↔ id mapping shared by every nlpkit package. Ids 0–3 are always `<pad>`, `<unk>`, `<s>`, `</s>`
 * ({@link PAD_ID}, {@link UNK_ID}, {@link BOS_ID}, {@link EOS_ID}); any extra special tokens follow, then the
 * ordinary tokens. A token not in the vocabulary maps to `<unk>`.
 */
export interface Vocabulary {
  /** Tokens by id. */
  readonly tokens: readonly string[];
  /** Number of ids. */
  readonly size: number;
  /** Number of leading special ids (4 + extra specials). */
  readonly specials: number;
  /** Id of `token`; {@link UNK_ID} for a token not in the vocabulary. */
  id(token: TokenLike): number;
  /** Id of `token`, or -1 when it has none (one map lookup, for hot loops). */
  lookup(token: string): number;
  /** Whether `token` has its own id. */
  has(token: TokenLike): boolean;
  /** Token of `id`; an InvalidArgumentError outside `0..size-1`. */
  token(id: number): string;
  /** Corpus count of the token with this id (0 for special tokens and where not known). */
  count(id: number): number;
  /** Whether `id` is a special token (reserved or extra). */
  isSpecial(id: number): boolean;
  /** Ids of tokens (strings or text's `Token`s); `bos`/`eos` wrap the sequence in `<s>` … `</s>`. */
  encode(tokens: readonly TokenLike[], options?: { readonly bos?: boolean; readonly eos?: boolean }): number[];
  /** Tokens of ids; `skipSpecials` drops special tokens (padding, sentence marks). */
  decode(ids: ArrayLike<number>, options?: { readonly skipSpecials?: boolean }): string[];
  /** Plain data for JSON. */
  toJSON(): VocabularyJSON;
}

function textOf(token: unknown, argument: string): string {
  const text = tokenText(token);
  if (text === undefined) throw check.invalid(token, argument, 'a string or a Token');
  return text;
}

function addSentence(counts: Map<string, number>, sentence: unknown, index: number): void {
  if (!Array.isArray(sentence)) throw check.invalid(sentence, `sentences[${index}]`, 'an array of tokens');
  for (let i = 0; i < sentence.length; i++) {
    const text = textOf(sentence[i], `sentences[${index}][${i}]`);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
}

/**
 * Counts tokens over sentences (arrays of strings or `Token`s), sync or async: a sync iterable gives the counts
 * at once, an async one (a file reader's output) a promise of them.
 * @returns token → count, in first-seen order
 */
export function countTokens(sentences: Iterable<readonly TokenLike[]>): Map<string, number>;
export function countTokens(sentences: AsyncIterable<readonly TokenLike[]>): Promise<Map<string, number>>;
export function countTokens(
  sentences: Iterable<readonly TokenLike[]> | AsyncIterable<readonly TokenLike[]>,
): Map<string, number> | Promise<Map<string, number>>;
export function countTokens(
  sentences: Iterable<readonly TokenLike[]> | AsyncIterable<readonly TokenLike[]>,
): Map<string, number> | Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (isAsyncIterable(sentences)) {
    return (async () => {
      let i = 0;
      for await (const sentence of sentences) addSentence(counts, sentence, i++);
      return counts;
    })();
  }
  if (sentences === null || typeof (sentences as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== 'function') {
    throw check.invalid(sentences, 'sentences', 'an iterable or async iterable of token arrays');
  }
  let i = 0;
  for (const sentence of sentences) addSentence(counts, sentence, i++);
  return counts;
}

/**
 * Builds a vocabulary from token counts: the reserved tokens, any extra specials, then tokens by decreasing count,
 * ties broken by code-point order of the token (never by insertion order, so the same counts always give the
 * same ids).
 *
 * @param counts token → count (from {@link countTokens}), or sentences to count (async sentences give a promise)
 * @example
 * const vocab = buildVocabulary([['a', 'b', 'a']]);
 * vocab.encode(['a', 'zzz']) // → [4, 1]
 */
export function buildVocabulary(
  counts: ReadonlyMap<string, number> | Iterable<readonly TokenLike[]>,
  options?: VocabularyOptions,
): Vocabulary;
export function buildVocabulary(sentences: AsyncIterable<readonly TokenLike[]>, options?: VocabularyOptions): Promise<Vocabulary>;
export function buildVocabulary(
  counts: ReadonlyMap<string, number> | Iterable<readonly TokenLike[]> | AsyncIterable<readonly TokenLike[]>,
  options?: VocabularyOptions,
): Vocabulary | Promise<Vocabulary>;
export function buildVocabulary(
  counts: ReadonlyMap<string, number> | Iterable<readonly TokenLike[]> | AsyncIterable<readonly TokenLike[]>,
  options: VocabularyOptions = {},
): Vocabulary | Promise<Vocabulary> {
  if (isAsyncIterable(counts)) return countTokens(counts).then((table) => buildVocabulary(table, options));
  check.options(options, 'options', ['minCount', 'maxSize', 'extraSpecials']);
  const minCount = check.integer(options.minCount ?? 1, 'options.minCount', 1);
  const maxSize = options.maxSize === undefined ? Infinity : check.integer(options.maxSize, 'options.maxSize', SPECIAL_TOKENS.length);
  const specials = [...SPECIAL_TOKENS, ...checkExtraSpecials(options.extraSpecials)];
  const table = counts instanceof Map ? (counts as ReadonlyMap<string, number>) : countTokens(counts as Iterable<readonly TokenLike[]>);
  for (const [token, c] of table) {
    if (typeof token !== 'string' || typeof c !== 'number' || !(c >= 0)) {
      throw new InvalidArgumentError({
        package: PKG,
        argument: 'counts',
        expected: 'a map from strings to non-negative numbers',
        foundText: `an entry ${JSON.stringify(String(token))} → ${String(c)}`,
      });
    }
  }
  const specialSet = new Set(specials);
  const ranked = [...table].filter(([t, c]) => c >= minCount && !specialSet.has(t));
  ranked.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = ranked.slice(0, Math.max(0, maxSize - specials.length));
  return makeVocabulary(
    [...specials, ...kept.map(([t]) => t)],
    specials.length,
    [...specials.map(() => 0), ...kept.map(([, c]) => c)],
  );
}

/**
 * A vocabulary over `tokens` in the given order, after the reserved tokens (which `tokens` may repeat: they keep
 * their reserved ids). For models that already have their word list, e.g. an ARPA file's unigrams.
 */
export function vocabularyFromTokens(
  tokens: Iterable<string>,
  options: { readonly extraSpecials?: readonly string[]; readonly counts?: ArrayLike<number> } = {},
): Vocabulary {
  check.options(options, 'options', ['extraSpecials', 'counts']);
  const specials = [...SPECIAL_TOKENS, ...checkExtraSpecials(options.extraSpecials)];
  const seen = new Set(specials);
  const list = [...specials];
  const counts: number[] = specials.map(() => 0);
  let i = 0;
  for (const token of tokens) {
    const text = check.string(token, `tokens[${i}]`);
    if (!seen.has(text)) {
      seen.add(text);
      list.push(text);
      counts.push(options.counts?.[i] ?? 0);
    }
    i++;
  }
  return makeVocabulary(list, specials.length, counts);
}

/** Restores a vocabulary saved with `JSON.stringify(vocab)`. Throws a {@link FormatError} on malformed data. */
export function vocabularyFromJSON(json: string | VocabularyJSON): Vocabulary {
  let data: Partial<VocabularyJSON> | null;
  try {
    data = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<VocabularyJSON> | null;
  } catch (cause) {
    throw new FormatError({ package: PKG, argument: 'json', expected: 'valid JSON', foundText: String(cause), cause });
  }
  if (data === null || typeof data !== 'object' || data.format !== 'nlpkit-vocabulary' || data.version !== 2) {
    throw new FormatError({
      package: PKG,
      argument: 'json',
      expected: 'a vocabulary with format "nlpkit-vocabulary" and version 2',
      foundText: data !== null && typeof data === 'object' ? `format ${String(data.format)}, version ${String(data.version)}` : typeof data,
    });
  }
  const { tokens, specials, counts } = data;
  if (!Array.isArray(tokens) || !Array.isArray(counts) || counts.length !== tokens.length) {
    throw new FormatError({ package: PKG, argument: 'json', expected: 'tokens and counts arrays of the same length' });
  }
  if (typeof specials !== 'number' || !Number.isInteger(specials) || specials < SPECIAL_TOKENS.length || specials > tokens.length) {
    throw new FormatError({ package: PKG, argument: 'json.specials', expected: `an integer from 4 to ${tokens.length}`, found: specials });
  }
  SPECIAL_TOKENS.forEach((s, i) => {
    if (tokens[i] !== s) {
      throw new FormatError({ package: PKG, argument: `json.tokens[${i}]`, expected: JSON.stringify(s), found: tokens[i] });
    }
  });
  return makeVocabulary(tokens, specials, counts);
}

function checkExtraSpecials(extra: readonly string[] | undefined): string[] {
  if (extra === undefined) return [];
  check.array(extra, 'options.extraSpecials');
  return extra.map((s, i) => {
    check.string(s, `options.extraSpecials[${i}]`);
    if (SPECIAL_TOKENS.includes(s)) throw check.invalid(s, `options.extraSpecials[${i}]`, 'a token other than the reserved four');
    return s;
  });
}

function makeVocabulary(tokens: readonly string[], specials: number, counts: readonly number[]): Vocabulary {
  const index = new Map<string, number>();
  tokens.forEach((t, i) => {
    if (typeof t !== 'string') throw new FormatError({ package: PKG, argument: `tokens[${i}]`, expected: 'a string', found: t });
    if (index.has(t)) throw new FormatError({ package: PKG, argument: `tokens[${i}]`, expected: 'a token not seen before', found: t });
    index.set(t, i);
  });
  counts.forEach((c, i) => {
    if (typeof c !== 'number' || !(c >= 0)) {
      throw new FormatError({ package: PKG, argument: `counts[${i}]`, expected: 'a number ≥ 0', found: c });
    }
  });
  const frozenTokens = Object.freeze([...tokens]);
  const frozenCounts = Object.freeze([...counts]);
  const size = tokens.length;
  const checkId = (i: unknown): number => check.integer(i, 'id', 0, size - 1);
  const vocabulary: Vocabulary = {
    tokens: frozenTokens,
    size,
    specials,
    id: (token) => index.get(textOf(token, 'token')) ?? UNK_ID,
    lookup: (token) => index.get(token) ?? -1,
    has: (token) => index.has(textOf(token, 'token')),
    token: (i) => frozenTokens[checkId(i)] as string,
    count: (i) => frozenCounts[checkId(i)] as number,
    isSpecial: (i) => checkId(i) < specials,
    encode(list, options = {}) {
      check.array(list, 'tokens');
      const ids: number[] = [];
      if (options.bos === true) ids.push(BOS_ID);
      for (let i = 0; i < list.length; i++) ids.push(index.get(textOf(list[i], `tokens[${i}]`)) ?? UNK_ID);
      if (options.eos === true) ids.push(EOS_ID);
      return ids;
    },
    decode(ids, options = {}) {
      if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') throw check.invalid(ids, 'ids', 'an array of ids');
      const out: string[] = [];
      for (let k = 0; k < ids.length; k++) {
        const i = check.integer(ids[k], `ids[${k}]`, 0, size - 1);
        if (options.skipSpecials === true && i < specials) continue;
        out.push(frozenTokens[i] as string);
      }
      return out;
    },
    toJSON: () => ({ format: 'nlpkit-vocabulary', version: 2, tokens: [...frozenTokens], specials, counts: [...frozenCounts] }),
  };
  return Object.freeze(vocabulary);
}
