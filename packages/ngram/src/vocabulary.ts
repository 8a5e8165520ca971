import { NgramInputError, describe } from './errors.js';

/** Id of the unknown-word class `<unk>` in every {@link Vocabulary}. */
export const UNK_ID = 0;
/** Id of the sentence-start marker `<s>` in every {@link Vocabulary}. */
export const BOS_ID = 1;
/** Id of the sentence-end marker `</s>` in every {@link Vocabulary}. */
export const EOS_ID = 2;
/** Spelling of the unknown-word class (id {@link UNK_ID}). */
export const UNK = '<unk>';
/** Spelling of the sentence-start marker (id {@link BOS_ID}); never predicted, log10 p = -99 in ARPA files. */
export const BOS = '<s>';
/** Spelling of the sentence-end marker (id {@link EOS_ID}); scored once per sentence, as KenLM does. */
export const EOS = '</s>';

/**
 * Word ↔ integer id mapping. Ids 0, 1, 2 are always `<unk>`, `<s>`, `</s>` (KenLM's layout), so every model shares
 * the special ids and the counting code can test them with integer comparisons.
 */
export class Vocabulary {
  readonly #ids = new Map<string, number>([
    [UNK, UNK_ID],
    [BOS, BOS_ID],
    [EOS, EOS_ID],
  ]);
  readonly #words: string[] = [UNK, BOS, EOS];

  /** Number of words including the three reserved ones. */
  get size(): number {
    return this.#words.length;
  }

  /** Id of `word`, or {@link UNK_ID} when it is not in the vocabulary. */
  id(word: string): number {
    return this.#ids.get(word) ?? UNK_ID;
  }

  /** Id of `word`, or -1 when it is not in the vocabulary (one map lookup, for hot loops). */
  lookup(word: string): number {
    return this.#ids.get(word) ?? -1;
  }

  /** Whether `word` is in the vocabulary (the reserved words always are). */
  has(word: string): boolean {
    return this.#ids.has(word);
  }

  /** Id of `word`, adding it when new. */
  add(word: string): number {
    let id = this.#ids.get(word);
    if (id === undefined) {
      id = this.#words.length;
      this.#ids.set(word, id);
      this.#words.push(word);
    }
    return id;
  }

  /** The spelling of id `id`. @throws RangeError for an id outside the vocabulary. */
  word(id: number): string {
    const word = this.#words[id];
    if (word === undefined) {
      throw new RangeError(`@nlpkit/ngram: word id must be from 0 to ${this.#words.length - 1}, got ${id}`);
    }
    return word;
  }

  /** All words, indexed by id. */
  words(): readonly string[] {
    return this.#words;
  }
}

/**
 * Encodes one training sentence as `<s> w1 … wk </s>` ids, adding new words to `vocab`. A literal `<unk>` is the
 * unknown class (id 0); `<s>` and `</s>` inside a sentence are refused because they would silently create
 * impossible n-grams.
 * @param line 1-based sentence number, used in error messages.
 */
export function encodeTrainingSentence(sentence: unknown, vocab: Vocabulary, line: number, out: number[]): number[] {
  if (!Array.isArray(sentence)) {
    throw new NgramInputError(
      `@nlpkit/ngram: sentences must be arrays of string tokens; sentence ${line} is ${describe(sentence)}`,
      line,
    );
  }
  out.length = 0;
  out.push(BOS_ID);
  for (let i = 0; i < sentence.length; i++) {
    const token: unknown = sentence[i];
    if (typeof token !== 'string' || token.length === 0) {
      throw new NgramInputError(
        `@nlpkit/ngram: token ${i + 1} of sentence ${line} must be a non-empty string, got ${describe(token)}`,
        line,
      );
    }
    if (token === BOS || token === EOS) {
      throw new NgramInputError(
        `@nlpkit/ngram: token ${i + 1} of sentence ${line} is the reserved marker ${token}; ` +
          'sentence boundaries are added automatically',
        line,
      );
    }
    out.push(vocab.add(token));
  }
  out.push(EOS_ID);
  return out;
}
