import { buildVocabulary, EmptyInputError, FormatError, PAD_ID, type Vocabulary } from '@nlpkit/core';
import { PKG, RnnOptionError } from '../errors.js';
import { checkKeys, checkNumber } from '../validate.js';
import type { SequenceTaggerConfig, TaggerBatch } from './sequenceTagger.js';

/** A sentence with one tag per word: what `readBrown` from `@nlpkit/text` yields, or `readConll` columns 0 and last. */
export interface TaggedWords {
  readonly words: readonly string[];
  readonly tags: readonly string[];
}

/** What maps a tagger's inputs and outputs to ids: words, characters (with character features) and the tag set. */
export interface TaggerVocabularies {
  readonly words: Vocabulary;
  readonly chars?: Vocabulary;
  /** Tag id = index: `'O'` first (when present), then the others sorted. */
  readonly tags: readonly string[];
}

/** Options of {@link buildTaggerVocabularies}. */
export interface TaggerVocabularyOptions {
  /** Lowercase words before counting (match `config.lowercase`). Default false. */
  readonly lowercase?: boolean;
  /** Keep words seen at least this often (default 1); the others read as `<unk>`. */
  readonly minCount?: number;
  /** At most this many word ids, specials included. */
  readonly maxWords?: number;
  /** Build a character vocabulary too (for character features). Default false. */
  readonly chars?: boolean;
}

/**
 * Checks tagged sentences as untrusted input: a non-empty array of `{ words, tags }` with one string tag per word
 * and no empty sentence (EmptyInputError for no sentences; FormatError naming `argument[i]` otherwise).
 */
export function checkTaggedSentences(data: readonly TaggedWords[], argument: string): void {
  if (!Array.isArray(data)) throw new RnnOptionError({ argument, expected: 'an array of { words, tags } sentences', found: data });
  if (data.length === 0) throw new EmptyInputError({ package: PKG, argument, expected: 'at least one tagged sentence' });
  data.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || !Array.isArray(s.words) || !Array.isArray(s.tags)) {
      throw new FormatError({ package: PKG, argument: `${argument}[${i}]`, expected: 'a { words, tags } sentence', found: s });
    }
    if (s.words.length === 0) throw new FormatError({ package: PKG, argument: `${argument}[${i}].words`, expected: 'at least one word', foundText: 'an empty sentence' });
    if (s.tags.length !== s.words.length) {
      throw new FormatError({ package: PKG, argument: `${argument}[${i}].tags`, expected: `one tag per word (${s.words.length})`, found: s.tags.length });
    }
    s.words.forEach((w: unknown, t: number) => {
      if (typeof w !== 'string' || w === '') throw new FormatError({ package: PKG, argument: `${argument}[${i}].words[${t}]`, expected: 'a non-empty string', found: w });
    });
    s.tags.forEach((tag: unknown, t: number) => {
      if (typeof tag !== 'string' || tag === '') throw new FormatError({ package: PKG, argument: `${argument}[${i}].tags[${t}]`, expected: 'a non-empty string', found: tag });
    });
  });
}

/** The characters of a word as the character vocabulary counts them (code points). */
export function wordChars(word: string): string[] {
  return Array.from(word);
}

/** Word, character and tag vocabularies of training data (checked with {@link checkTaggedSentences}). */
export function buildTaggerVocabularies(train: readonly TaggedWords[], options: TaggerVocabularyOptions = {}): TaggerVocabularies {
  checkKeys(options, 'options', ['lowercase', 'minCount', 'maxWords', 'chars']);
  checkTaggedSentences(train, 'train');
  const minCount = checkNumber(options.minCount ?? 1, 'options.minCount', 1, Number.MAX_SAFE_INTEGER, true);
  const lower = options.lowercase === true;
  const words = buildVocabulary(
    train.map((s) => (lower ? s.words.map((w) => w.toLowerCase()) : s.words)),
    { minCount, ...(options.maxWords !== undefined ? { maxSize: checkNumber(options.maxWords, 'options.maxWords', 5, 1 << 24, true) } : {}) },
  );
  const tagSet = new Set<string>();
  for (const s of train) for (const t of s.tags) tagSet.add(t);
  const tags = [...tagSet].sort((a, b) => (a === 'O' ? -1 : b === 'O' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  if (options.chars !== true) return { words, tags };
  const chars = buildVocabulary(train.flatMap((s) => s.words.map(wordChars)));
  return { words, chars, tags };
}

/**
 * A padded batch of sentences as host ids ({@link TaggerBatch}), for `sequenceTaggerEmissions`/`Loss`: words
 * looked up (lowercased when the config says so; unknown ones as `<unk>`), characters per word slot cut to
 * `maxWordLength`, and — when `tags` are given — tag ids (an unknown tag is a FormatError naming it).
 */
export function encodeTaggerBatch(
  config: SequenceTaggerConfig,
  vocabularies: TaggerVocabularies,
  sentences: readonly (readonly string[])[],
  tags?: readonly (readonly string[])[],
): TaggerBatch {
  const B = sentences.length;
  const T = Math.max(1, ...sentences.map((s) => s.length));
  const lower = config.lowercase === true;
  const words = sentences.map((s) => {
    const row = new Array<number>(T).fill(PAD_ID);
    s.forEach((w, t) => {
      row[t] = vocabularies.words.id(lower ? w.toLowerCase() : w);
    });
    return row;
  });
  const lengths = sentences.map((s) => s.length);
  const batch: { -readonly [K in keyof TaggerBatch]: TaggerBatch[K] } = { words, lengths };
  if (config.chars !== undefined) {
    const charVocab = vocabularies.chars;
    if (charVocab === undefined) throw new RnnOptionError({ argument: 'vocabularies.chars', expected: 'a character vocabulary (the config has character features)', found: undefined });
    const max = config.chars.maxWordLength ?? 20;
    const cut = sentences.map((s) => s.map((w) => wordChars(w).slice(0, max)));
    const C = Math.max(1, ...cut.flatMap((s) => s.map((w) => w.length)));
    const ids: number[][] = [];
    const charLengths: number[] = [];
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const w = cut[b]?.[t];
        const row = new Array<number>(C).fill(PAD_ID);
        w?.forEach((ch, i) => {
          row[i] = charVocab.id(ch);
        });
        ids.push(row);
        charLengths.push(w?.length ?? 0);
      }
    }
    batch.chars = { ids, lengths: charLengths };
  }
  if (tags !== undefined) {
    const index = new Map(vocabularies.tags.map((t, i) => [t, i]));
    batch.tags = tags.map((row, b) => {
      const out = new Array<number>(T).fill(0);
      row.forEach((tag, t) => {
        const id = index.get(tag);
        if (id === undefined) {
          throw new FormatError({ package: PKG, argument: `tags[${b}][${t}]`, expected: `one of the model's tags (${vocabularies.tags.join(', ')})`, found: tag });
        }
        out[t] = id;
      });
      return out;
    });
  }
  return batch;
}
