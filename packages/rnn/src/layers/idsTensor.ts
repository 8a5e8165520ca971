import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { RnnDtypeError, RnnShapeError } from '../errors.js';
import { checkDtype, checkShape } from '../validate.js';

/**
 * Token ids in either form the layers and models here take: an int32 `[batch, T]` tensor, or the rectangular
 * `number[][]` that `padSequences` from `@nlpkit/text` returns as `ids`.
 */
export type TokenIds = Tensor2D | readonly (readonly number[])[];

/**
 * An int32 `[batch, T]` tensor of token ids: `padSequences(...).ids` (a rectangular `number[][]`) as a new
 * tensor, or a tensor passed through unchanged after a shape and dtype check. Wherever this package takes token
 * ids it calls this, so a padded batch goes in with no glue:
 *
 * @example
 * const batch = padSequences(sentences.map((s) => vocabulary.encode(s)));
 * const x = embedding(table, idsTensor(batch.ids));
 * rnnStack(config, params, x, { lengths: batch.lengths });
 */
export function idsTensor(ids: TokenIds, argument = 'ids'): Tensor2D {
  if (ids instanceof tf.Tensor) {
    checkShape(ids, argument, [null, null], ['batch', 'T']);
    checkDtype(ids, argument, 'int32');
    return ids;
  }
  if (!Array.isArray(ids)) {
    throw new RnnDtypeError({ argument, expected: 'an int32 [batch, T] tensor or a number[][] (padSequences(...).ids)', found: ids });
  }
  const rows = ids.length;
  const cols = rows === 0 ? 0 : (ids[0] as readonly number[]).length;
  const values = new Int32Array(rows * cols);
  ids.forEach((row, b) => {
    if (!Array.isArray(row) || row.length !== cols) {
      throw new RnnShapeError({ argument: `${argument}[${b}]`, expected: `an array of ${cols} ids (rows must be padded to one length)`, found: row });
    }
    row.forEach((id: unknown, t) => {
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
        throw new RnnDtypeError({ argument: `${argument}[${b}][${t}]`, expected: 'a non-negative integer id', found: id });
      }
      values[b * cols + t] = id;
    });
  });
  return tf.tensor2d(values, [rows, cols], 'int32');
}

/**
 * Throws an RnnShapeError naming the first id of `ids` (given as arrays) that is not below `vocabSize`. Ids given
 * as a tensor are not read back here (that would cost a device read in every training step); an out-of-range id
 * in a tensor is reported by {@link embedding} where the backend detects it.
 */
export function checkIdRows(ids: TokenIds, vocabSize: number, argument = 'ids'): void {
  if (ids instanceof tf.Tensor || !Array.isArray(ids)) return;
  ids.forEach((row, b) => {
    if (!Array.isArray(row)) return;
    row.forEach((id: unknown, t) => {
      if (typeof id === 'number' && Number.isInteger(id) && id >= vocabSize) {
        throw new RnnShapeError({ argument: `${argument}[${b}][${t}]`, expected: `a token id from 0 to ${vocabSize - 1} (config.vocabSize ${vocabSize})`, found: id });
      }
    });
  });
}
