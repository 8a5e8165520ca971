import { BOS_ID, EmptyInputError, EOS_ID } from '@nlpkit/core';
import { PKG, Seq2seqOptionError, Seq2seqShapeError } from '../errors.js';

/**
 * One encoded sentence pair: `source` ids as the encoder reads them (`encodeParallel` ends each with `</s>`),
 * `target` ids without `<s>` or `</s>` (the batch adds them).
 */
export interface Seq2seqPair {
  readonly source: readonly number[];
  readonly target: readonly number[];
}

/** A right-padded batch of pairs, host-side (typed arrays, no tensors). */
export interface Seq2seqBatch {
  readonly size: number;
  /** `[size, sourceWidth]` source ids, `<pad>` (0) after each row's length. */
  readonly sourceIds: Int32Array;
  readonly sourceWidth: number;
  readonly sourceLengths: readonly number[];
  /** `[size, targetWidth]` decoder inputs: `<s>` then the target. */
  readonly targetInputs: Int32Array;
  /** `[size, targetWidth]` what each step predicts: the target then `</s>`. */
  readonly targetOutputs: Int32Array;
  readonly targetWidth: number;
  /** Target length + 1 (the `</s>`) per row. */
  readonly targetLengths: readonly number[];
  /** Predicted tokens in the batch (Σ targetLengths): the loss's denominator. */
  readonly tokens: number;
}

/** Throws unless every id of `ids` is an integer in [0, size); `argument` names the list. */
export function checkIdList(ids: unknown, argument: string, size: number, allowEmpty: boolean): readonly number[] {
  if (!Array.isArray(ids)) throw new Seq2seqOptionError({ argument, expected: 'an array of token ids', found: ids });
  if (ids.length === 0 && !allowEmpty) throw new EmptyInputError({ package: PKG, argument, expected: 'at least one token id' });
  ids.forEach((id: unknown, t) => {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0 || id >= size) {
      throw new Seq2seqShapeError({ argument: `${argument}[${t}]`, expected: `a token id from 0 to ${size - 1}`, found: id });
    }
  });
  return ids as readonly number[];
}

/**
 * Pads pairs into one batch (the rows in the given order). Decoder inputs are `<s> y1 … yn`, outputs `y1 … yn </s>`.
 * @throws EmptyInputError for no pairs or an empty source
 */
export function seq2seqBatch(pairs: readonly Seq2seqPair[]): Seq2seqBatch {
  if (!Array.isArray(pairs) || pairs.length === 0) throw new EmptyInputError({ package: PKG, argument: 'pairs', expected: 'at least one sentence pair' });
  const B = pairs.length;
  const sourceLengths = pairs.map((p, i) => {
    if (p.source.length === 0) throw new EmptyInputError({ package: PKG, argument: `pairs[${i}].source`, expected: 'at least one token id' });
    return p.source.length;
  });
  const targetLengths = pairs.map((p) => p.target.length + 1);
  const S = Math.max(...sourceLengths);
  const T = Math.max(...targetLengths);
  const sourceIds = new Int32Array(B * S);
  const targetInputs = new Int32Array(B * T);
  const targetOutputs = new Int32Array(B * T);
  pairs.forEach((p, b) => {
    sourceIds.set(p.source, b * S);
    targetInputs[b * T] = BOS_ID;
    targetInputs.set(p.target, b * T + 1);
    targetOutputs.set(p.target, b * T);
    targetOutputs[b * T + p.target.length] = EOS_ID;
  });
  return { size: B, sourceIds, sourceWidth: S, sourceLengths, targetInputs, targetOutputs, targetWidth: T, targetLengths, tokens: targetLengths.reduce((a, b) => a + b, 0) };
}
