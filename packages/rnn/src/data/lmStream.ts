import {
  BOS_ID,
  EmptyInputError,
  EOS_ID,
  isAsyncIterable,
  sentenceTokens,
  type AnyIterable,
  type TokenLike,
  type Vocabulary,
  UNK_ID,
} from '@nlpkit/core';
import { PKG, RnnOptionError, RnnShapeError } from '../errors.js';

/**
 * A corpus as one stream of next-token predictions, the way word-level LM papers read PTB (Zaremba et al. 2014,
 * PyTorch's word_language_model): the lines one after another, each followed by `</s>`, the recurrent state
 * running across line ends.
 *
 * `targets[i]` is predicted from `inputs[0..i]`. `inputs` is `targets` shifted right by one with `<s>` first and
 * every `</s>` fed back as `<s>`: the token after a line end is the start of a sentence either way, and feeding
 * `<s>` makes the trained network read a sentence start exactly as the `LanguageModel` contract starts one (right
 * after `<s>`). So every word and one `</s>` per line is predicted, the count `ngram eval` and
 * `evaluatePerplexity` use.
 */
export interface LmStream {
  /** Ids to predict: each line's ids, then `</s>`. */
  readonly targets: Int32Array;
  /** Ids read: `<s>`, then `targets` without its last id and with `</s>` as `<s>`. */
  readonly inputs: Int32Array;
  /** Lines read (each adds one `</s>`). */
  readonly lines: number;
  /** Tokens not in the vocabulary (encoded as `<unk>`). */
  readonly oov: number;
}

/** Grows an Int32Array as ids are appended. */
class IdBuffer {
  #data = new Int32Array(1024);
  length = 0;
  push(id: number): void {
    if (this.length === this.#data.length) {
      const next = new Int32Array(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.length++] = id;
  }
  done(): Int32Array {
    return this.#data.slice(0, this.length);
  }
}

function streamOf(targets: Int32Array, lines: number, oov: number): LmStream {
  if (targets.length === 0) throw new EmptyInputError({ package: PKG, argument: 'sentences', expected: 'at least one line' });
  const inputs = new Int32Array(targets.length);
  inputs[0] = BOS_ID;
  for (let i = 1; i < targets.length; i++) {
    const prev = targets[i - 1] as number;
    inputs[i] = prev === EOS_ID ? BOS_ID : prev;
  }
  return Object.freeze({ targets, inputs, lines, oov });
}

function checkVocabulary(vocabulary: Vocabulary): void {
  if (vocabulary === null || typeof vocabulary !== 'object' || typeof vocabulary.lookup !== 'function') {
    throw new RnnOptionError({ argument: 'vocabulary', expected: 'a Vocabulary from @nlpkit/core', found: vocabulary });
  }
}

/**
 * Encodes sentences (arrays of strings or text's `Token`s, sync or async — a file reader's output gives a
 * promise) into an {@link LmStream}: ids from `vocabulary`, `<unk>` for unknown tokens (counted in `oov`), `</s>`
 * after every line. Empty sentences still add their `</s>`, as `ngram eval` counts them.
 * @throws EmptyInputError when there are no sentences
 * @example
 * const stream = lmStream(readSentences('ptb.train.txt'), vocabulary);
 * const batches = batchifyLmStream(stream, 20);
 */
export function lmStream(sentences: Iterable<readonly TokenLike[]>, vocabulary: Vocabulary): LmStream;
export function lmStream(sentences: AsyncIterable<readonly TokenLike[]>, vocabulary: Vocabulary): Promise<LmStream>;
export function lmStream(sentences: AnyIterable<readonly TokenLike[]>, vocabulary: Vocabulary): LmStream | Promise<LmStream> {
  checkVocabulary(vocabulary);
  const ids = new IdBuffer();
  let lines = 0;
  let oov = 0;
  const add = (sentence: readonly TokenLike[]): void => {
    for (const token of sentenceTokens(sentence, lines, PKG)) {
      const id = vocabulary.lookup(token);
      if (id < 0) oov++;
      ids.push(id < 0 ? UNK_ID : id);
    }
    ids.push(EOS_ID);
    lines++;
  };
  if (isAsyncIterable(sentences)) {
    return (async () => {
      for await (const s of sentences) add(s);
      return streamOf(ids.done(), lines, oov);
    })();
  }
  for (const s of sentences as Iterable<readonly TokenLike[]>) add(s);
  return streamOf(ids.done(), lines, oov);
}

/**
 * An {@link LmStream} from ids already encoded (each line's ids followed by `</s>`, as {@link lmStream} makes
 * them). Every id is checked against `vocabSize` here, once, so training never meets an id its embedding table
 * lacks.
 * @throws RnnShapeError (`ERR_RNN_SHAPE`) naming the first id outside `0..vocabSize-1`
 */
export function lmStreamFromIds(targets: ArrayLike<number>, vocabSize: number): LmStream {
  const ids = Int32Array.from(targets as ArrayLike<number>);
  checkStreamIds(ids, vocabSize, 'targets');
  let lines = 0;
  for (const id of ids) if (id === EOS_ID) lines++;
  return streamOf(ids, lines, 0);
}

/** Throws {@link RnnShapeError} at the first id outside `0..vocabSize-1` (or one that is not an integer). */
export function checkStreamIds(ids: ArrayLike<number>, vocabSize: number, argument: string): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new RnnShapeError({ argument: `${argument}[${i}]`, expected: `a token id from 0 to ${vocabSize - 1} (config.vocabSize ${vocabSize})`, found: id });
    }
  }
}
