import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { BOS_ID } from '@nlpkit/core';
import { gruCell, lstmCell, rnnCell, type CellParams, type CellState, type GruParams, type LstmParams, type RecurrentLmArtifact, type RnnParams } from '@nlpkit/rnn';

/**
 * ‖∂loss/∂h_t‖ of a trained recurrent LM's top layer, over the words of a sentence, with the loss the surprisal of
 * its last word, `−ln p(w_T | <s> w_1 … w_{T−1})`. The model runs step by step with its own cells (`lstmCell`,
 * `gruCell`, `rnnCell` of `@nlpkit/rnn`) and a zero `ε_t` added to each top hidden state, as in
 * `hiddenStateGradientNorms`; `tf.grads` gives every ∂loss/∂ε_t = ∂loss/∂h_t in one backward pass.
 * Returns one norm per input position (`<s>`, w_1 … w_{T−1}).
 */
export async function lmHiddenStateGradientNorms(artifact: RecurrentLmArtifact, words: readonly string[]): Promise<number[]> {
  const { config, params, vocabulary } = artifact;
  const cell = config.cell ?? { type: 'lstm' };
  const ids = [BOS_ID, ...words.map((w) => vocabulary.id(w))];
  const inputs = ids.slice(0, -1);
  const target = ids.at(-1)!;
  const H = config.hiddenSize;
  const step = (p: CellParams, x: Tensor2D, s: CellState): CellState =>
    cell.type === 'lstm' ? lstmCell(p as LstmParams, x, s, cell.coupled ?? false) : cell.type === 'gru' ? gruCell(p as GruParams, x, s, cell.resetAfter ?? true) : rnnCell(p as RnnParams, x, s, cell.activation ?? 'tanh');
  const eps = inputs.map(() => tf.zeros([1, H]) as Tensor2D);
  try {
    const loss = (...epsilons: Tensor[]): Tensor => {
      let states: CellState[] = params.rnn.layers.map((layer) => {
        const h = tf.zeros([1, (layer.forward.wHh as Tensor2D).shape[0]]) as Tensor2D;
        return cell.type === 'lstm' ? { h, c: tf.zeros([1, H]) as Tensor2D } : { h };
      });
      let top: Tensor2D = states.at(-1)!.h;
      inputs.forEach((id, t) => {
        let x = tf.gather(params.embedding, tf.tensor1d([id], 'int32')) as Tensor2D;
        states = states.map((s, k) => {
          const next = step(params.rnn.layers[k]!.forward, x, s);
          x = next.h;
          return next;
        });
        top = tf.add(x, epsilons[t]!);
        states[states.length - 1] = { ...states.at(-1)!, h: top };
      });
      const w = params.output.w ?? (tf.transpose(params.embedding) as Tensor2D);
      const logProbs = tf.logSoftmax(tf.add(tf.matMul(top, w), params.output.b));
      return tf.neg(tf.sum(tf.slice(logProbs, [0, target], [1, 1])));
    };
    const norms = tf.tidy(() => tf.stack(tf.grads(loss)(eps).map((g) => tf.norm(g))));
    const values = Array.from(await norms.data());
    norms.dispose();
    return values;
  } finally {
    tf.dispose(eps);
  }
}
