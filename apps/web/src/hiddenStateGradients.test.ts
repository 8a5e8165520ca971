import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@nlpkit/tensor';
import { hiddenStateGradientNorms } from './hiddenStateGradients.js';

describe('hiddenStateGradientNorms', () => {
  beforeAll(async () => {
    await initBackend({ only: 'cpu' });
  });

  const common = { steps: 30, hiddenSize: 16, inputSize: 8, forgetBias: 1, seed: 3 };

  it('gives one finite positive norm per step, and frees every tensor it made', async () => {
    const before = tf.memory().numTensors;
    const norms = await hiddenStateGradientNorms({ ...common, cell: 'lstm' });
    expect(norms).toHaveLength(30);
    for (const n of norms) expect(Number.isFinite(n) && n > 0).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('vanishes far faster through a tanh RNN than through an LSTM', async () => {
    const rnn = await hiddenStateGradientNorms({ ...common, cell: 'tanh' });
    const lstm = await hiddenStateGradientNorms({ ...common, cell: 'lstm' });
    const decay = (xs: number[]): number => xs[0]! / xs.at(-1)!;
    expect(decay(rnn)).toBeLessThan(1e-4);
    expect(decay(rnn)).toBeLessThan(decay(lstm) / 100);
  });
});
