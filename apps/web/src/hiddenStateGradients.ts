import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { initCell, lstmCell, rnnCell, type CellState, type LstmParams, type RnnParams } from '@nlpkit/rnn';
import { normal } from '@nlpkit/tensor';

/** Options of {@link hiddenStateGradientNorms}. */
export interface HiddenStateGradientOptions {
  readonly cell: 'tanh' | 'lstm';
  /** Time steps T. */
  readonly steps: number;
  readonly hiddenSize: number;
  readonly inputSize: number;
  /** LSTM forget-gate bias at initialisation (1 keeps the forget gate mostly open, Jozefowicz et al. 2015). */
  readonly forgetBias: number;
  readonly seed: number;
}

/**
 * ‖∂loss/∂h_t‖ for t = 1…T, by real backpropagation through a freshly initialised cell (`rnnCell` or `lstmCell`
 * from `@nlpkit/rnn`, PyTorch's initialisation) run over T random inputs, with the loss a random projection of the
 * last hidden state, `loss = h_T · v`.
 *
 * To take a gradient with respect to an intermediate value, each h_t gets a zero `ε_t` added before it feeds the
 * next step: ∂loss/∂ε_t = ∂loss/∂h_t, and `tf.grads` gives all of them in one backward pass. A tanh RNN multiplies
 * the gradient by `W_hh^T · diag(1 − h²)` at every step back, so its norm falls geometrically; an LSTM's cell
 * state carries it through the forget gates, so it falls much more slowly.
 */
export async function hiddenStateGradientNorms(options: HiddenStateGradientOptions): Promise<number[]> {
  const { steps: T, hiddenSize: H, inputSize } = options;
  const rng = createRng(options.seed);
  const params =
    options.cell === 'lstm'
      ? (initCell({ type: 'lstm' }, inputSize, H, rng, { forgetBias: options.forgetBias }) as LstmParams)
      : (initCell({ type: 'rnn', activation: 'tanh' }, inputSize, H, rng) as RnnParams);
  const xs = Array.from({ length: T }, () => normal([1, inputSize], rng, 0, 1) as Tensor2D);
  const v = normal([1, H], rng, 0, 1) as Tensor2D;
  const eps = Array.from({ length: T }, () => tf.zeros([1, H]) as Tensor2D);
  try {
    const loss = (...epsilons: Tensor[]): Tensor => {
      let state: CellState = { h: tf.zeros([1, H]), ...(options.cell === 'lstm' ? { c: tf.zeros([1, H]) } : {}) };
      for (let t = 0; t < T; t++) {
        const next = options.cell === 'lstm' ? lstmCell(params as LstmParams, xs[t]!, state) : rnnCell(params as RnnParams, xs[t]!, state, 'tanh');
        state = { ...next, h: tf.add(next.h, epsilons[t]!) };
      }
      return tf.sum(tf.mul(state.h, v));
    };
    const norms = tf.tidy(() => tf.stack(tf.grads(loss)(eps).map((g) => tf.norm(g))));
    const values = Array.from(await norms.data());
    norms.dispose();
    return values;
  } finally {
    tf.dispose([...xs, v, ...eps, ...Object.values(params)]);
  }
}
