import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { StackParams } from '../layers/rnnStack.js';
import type { LstmParams } from '../types.js';
import { packedBiLstm, packedLayout, type PackedLayout } from './packedLstm.js';
import { rowGather } from './rowGather.js';

/** A batch's word slots reduced to its distinct words, packed for {@link packedBiLstm}. */
export interface PackedWords {
  readonly layout: PackedLayout;
  /** Character ids in the packed layout, each word read forwards and from its end. */
  readonly forward: Int32Array;
  readonly backward: Int32Array;
  /** Per word slot (row b·T + t): the packed row of its word's last step; −1 for padding (and empty words). */
  readonly slots: Int32Array;
}

/**
 * The distinct words of a batch's character rows (`TaggerBatch.chars`: one row per word slot, the first
 * `lengths[r]` ids valid), in the packed layout (longest first), with each slot's row of final states.
 */
export function packWords(ids: readonly (readonly number[])[], lengths: readonly number[]): PackedWords {
  const rows = ids.length;
  const wordOf = new Int32Array(rows).fill(-1);
  const seen = new Map<string, number>();
  const firstRow: number[] = [];
  for (let r = 0; r < rows; r += 1) {
    const len = lengths[r] as number;
    if (len === 0) continue;
    const row = ids[r] as readonly number[];
    const key = len === row.length ? row.join(',') : row.slice(0, len).join(',');
    let k = seen.get(key);
    if (k === undefined) {
      k = firstRow.length;
      seen.set(key, k);
      firstRow.push(r);
    }
    wordOf[r] = k;
  }
  const wordLengths = firstRow.map((r) => lengths[r] as number);
  const layout = packedLayout(wordLengths);
  const forward = new Int32Array(layout.rows);
  const backward = new Int32Array(layout.rows);
  layout.sizes.forEach((n, t) => {
    const at = layout.offsets[t] as number;
    for (let rank = 0; rank < n; rank += 1) {
      const k = layout.order[rank] as number;
      const row = ids[firstRow[k] as number] as readonly number[];
      forward[at + rank] = row[t] as number;
      backward[at + rank] = row[(wordLengths[k] as number) - 1 - t] as number;
    }
  });
  const finalRow = new Int32Array(firstRow.length);
  layout.order.forEach((k, rank) => {
    finalRow[k] = (layout.offsets[(wordLengths[k] as number) - 1] as number) + rank;
  });
  const slots = new Int32Array(rows).fill(-1);
  for (let r = 0; r < rows; r += 1) if ((wordOf[r] as number) >= 0) slots[r] = finalRow[wordOf[r] as number] as number;
  return { layout, forward, backward, slots };
}

/**
 * Character BiLSTM features of every word slot `[batch, T, 2H]` (the final states of both directions, forward
 * first; zeros for padding), as a padded BiLSTM over every slot computes them, but with the character LSTM run
 * once per distinct word of the batch, both directions as one packed LSTM; each slot then gathers its word's row.
 * @param params the character embedding and its one-layer BiLSTM (standard LSTM cells)
 * @param chars character ids per word slot and their lengths (`TaggerBatch.chars`)
 */
export function charWordFeatures(
  params: { embedding: Tensor2D; rnn: StackParams },
  chars: { readonly ids: readonly (readonly number[])[]; readonly lengths: readonly number[] },
  B: number,
  T: number,
): Tensor3D {
  const layer = params.rnn.layers[0] as { forward: LstmParams; backward: LstmParams };
  const H = layer.forward.wHh.shape[0];
  const packed = packWords(chars.ids, chars.lengths);
  if (packed.layout.rows === 0) return tf.zeros([B, T, 2 * H]);
  const states = packedBiLstm(layer, rowGather(params.embedding, packed.forward), rowGather(params.embedding, packed.backward), packed.layout.sizes);
  return tf.reshape(rowGather(states, packed.slots), [B, T, 2 * H]);
}
