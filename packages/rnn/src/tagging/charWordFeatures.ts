import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { concatColumns } from '@nlpkit/tensor';
import { stepMasks } from '../layers/recurrent.js';
import type { StackParams } from '../layers/rnnStack.js';
import type { LstmParams } from '../types.js';
import { gatheredLstm } from './taggerBiLstm.js';

/** A batch's word slots reduced to its distinct words, longest first. */
export interface DistinctWords {
  /** Character ids of each distinct word (cut at its length), longest first (ties in order of first use). */
  readonly words: readonly (readonly number[])[];
  /** Per word slot (row b·T + t of `TaggerBatch.chars`): the index of its word in `words`; −1 for padding (and empty words). */
  readonly slots: Int32Array;
}

/** The distinct words of a batch's character rows (`TaggerBatch.chars`: one row per word slot, the first `lengths[r]` ids valid). */
export function distinctWords(ids: readonly (readonly number[])[], lengths: readonly number[]): DistinctWords {
  const wordOf = new Int32Array(ids.length).fill(-1);
  const seen = new Map<string, number>();
  const found: number[][] = [];
  ids.forEach((row, r) => {
    const len = lengths[r] as number;
    if (len === 0) return;
    const word = row.slice(0, len);
    const key = word.join(',');
    let k = seen.get(key);
    if (k === undefined) {
      k = found.length;
      seen.set(key, k);
      found.push(word);
    }
    wordOf[r] = k;
  });
  // Longest first: with a batch sorted by length, a step without a gradient computes only the words still running.
  const order = found.map((_, k) => k).sort((a, b) => (found[b] as number[]).length - (found[a] as number[]).length || a - b);
  const rank = new Int32Array(found.length);
  order.forEach((k, i) => (rank[k] = i));
  return { words: order.map((k) => found[k] as number[]), slots: Int32Array.from(wordOf, (k) => (k < 0 ? -1 : (rank[k] as number))) };
}

/**
 * Character BiLSTM features of every word slot `[batch, T, 2H]` (the final states of both directions, forward
 * first; zeros for padding), as a padded BiLSTM over every slot computes them, but with the character LSTM run
 * once per distinct word of the batch: each direction is one sequence op over the words (`lstmSequence`: one fused
 * kernel on wasm and webgpu, its products on the BLAS where there is one), the words time-major and masked past
 * their ends, the backward one reading each word from its last character; each slot then gathers its word's final
 * states.
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
  const { words, slots } = distinctWords(chars.ids, chars.lengths);
  const N = words.length;
  if (N === 0) return tf.zeros([B, T, 2 * H]);
  const L = (words[0] as readonly number[]).length;
  const lengths = words.map((w) => w.length);
  // Time-major row t·N + n: word n's character t (forwards) or len − 1 − t (backwards); −1 (a zero row) past its end.
  const forwardIds = new Int32Array(L * N).fill(-1);
  const backwardIds = new Int32Array(L * N).fill(-1);
  words.forEach((w, n) => {
    for (let t = 0; t < w.length; t += 1) {
      forwardIds[t * N + n] = w[t] as number;
      backwardIds[t * N + n] = w[w.length - 1 - t] as number;
    }
  });
  // Each slot reads its word's final state: row L·N + n of the sequence's value (T + 2 blocks: outputs, h, c).
  const finals = Int32Array.from(slots, (n) => (n < 0 ? -1 : L * N + n));
  const masks = stepMasks(lengths, N, L);
  const direction = (cell: LstmParams, ids: Int32Array): Tensor2D => gatheredLstm(cell, params.embedding, ids, finals, L, N, masks);
  return tf.reshape(concatColumns([direction(layer.forward, forwardIds), direction(layer.backward, backwardIds)]), [B, T, 2 * H]);
}
