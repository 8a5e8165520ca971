import { PAD, type Vocabulary, vocabularyFromTokens } from '@nlpkit/core';
import { NgramInputError, PKG, check } from './errors.js';

/** Internal index of the unknown-word class `<unk>` in every {@link NgramWordIndex} (KenLM's layout). */
export const UNK_INDEX = 0;
/** Internal index of the sentence-start marker `<s>`. */
export const BOS_INDEX = 1;
/** Internal index of the sentence-end marker `</s>`. */
export const EOS_INDEX = 2;
/** Spelling of the unknown-word class. */
export const UNK = '<unk>';
/** Spelling of the sentence-start marker; never predicted (probability 1: log10 p = 0 in ARPA files, as lmplz writes it; SRILM writes -99). */
export const BOS = '<s>';
/** Spelling of the sentence-end marker; scored once per sentence, as KenLM does. */
export const EOS = '</s>';

/**
 * The fast word ↔ index mapping the n-gram tables are built on (KenLM's layout: indexes 0, 1, 2 are `<unk>`,
 * `<s>`, `</s>`, so counting code tests them with integer comparisons). Models show it to users as a core
 * `Vocabulary` ({@link NgramWordIndex.toVocabulary}), whose ids are exactly these indexes + 1 (core reserves
 * `<pad>` = 0), so converting between the two is one addition.
 */
export class NgramWordIndex {
  readonly #ids = new Map<string, number>([
    [UNK, UNK_INDEX],
    [BOS, BOS_INDEX],
    [EOS, EOS_INDEX],
  ]);
  readonly #words: string[] = [UNK, BOS, EOS];
  #vocabulary: Vocabulary | undefined;

  /** Number of words including the three reserved ones. */
  get size(): number {
    return this.#words.length;
  }

  /** Index of `word`, or {@link UNK_INDEX} when it is not in the index. */
  id(word: string): number {
    return this.#ids.get(word) ?? UNK_INDEX;
  }

  /** Index of `word`, or -1 when it is not in the index (one map lookup, for hot loops). */
  lookup(word: string): number {
    return this.#ids.get(word) ?? -1;
  }

  /** Whether `word` is in the index (the reserved words always are). */
  has(word: string): boolean {
    return this.#ids.has(word);
  }

  /**
   * Index of `word`, adding it when new. `<pad>` is refused: it has id 0 in every core vocabulary, so a model
   * holding it as a word could not keep core id = index + 1.
   */
  add(word: string): number {
    let id = this.#ids.get(word);
    if (id === undefined) {
      if (word === PAD) throw check.invalid(word, 'word', 'a word other than <pad> (reserved for padding)');
      id = this.#words.length;
      this.#ids.set(word, id);
      this.#words.push(word);
      this.#vocabulary = undefined;
    }
    return id;
  }

  /** The spelling of index `id`. */
  word(id: number): string {
    return this.#words[check.integer(id, 'id', 0, this.#words.length - 1)]!;
  }

  /** All words, by index. */
  words(): readonly string[] {
    return this.#words;
  }

  /** The words as a core `Vocabulary` (built once): core id = index + 1. */
  toVocabulary(): Vocabulary {
    this.#vocabulary ??= vocabularyFromTokens(this.#words);
    return this.#vocabulary;
  }
}

/**
 * Encodes one training sentence (token strings) as `<s> w1 … wk </s>` indexes, adding new words to `index`. A
 * literal `<unk>` is the unknown class; `<s>`, `</s>` and `<pad>` inside a sentence are refused because they
 * would silently create impossible n-grams.
 * @param line 1-based sentence number, used in error messages.
 */
export function encodeTrainingSentence(sentence: readonly string[], index: NgramWordIndex, line: number, out: number[]): number[] {
  out.length = 0;
  out.push(BOS_INDEX);
  for (let i = 0; i < sentence.length; i++) {
    const token = sentence[i]!;
    if (token.length === 0 || token === BOS || token === EOS || token === PAD) {
      throw new NgramInputError({
        package: PKG,
        argument: `sentences[${line - 1}][${i}]`,
        expected: token.length === 0 ? 'a non-empty token' : 'a word, not a reserved marker (sentence boundaries are added automatically)',
        found: token,
        line,
      });
    }
    out.push(index.add(token));
  }
  out.push(EOS_INDEX);
  return out;
}
