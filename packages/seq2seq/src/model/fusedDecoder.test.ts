import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import { crossEntropy } from '@nlpkit/train';
import { expect, it } from 'vitest';
import { seq2seqBatch, type Seq2seqPair } from '../data/seq2seqBatch.js';
import { fusedDecoderApplies } from './fusedDecoder.js';
import { initSeq2seq } from './initSeq2seq.js';
import type { Seq2seqConfig } from './seq2seqConfig.js';
import { seq2seqLogits, seq2seqLoss } from './seq2seqLoss.js';

// The Multi30k recipe's shape, small: bidirectional GRU encoder, one-layer GRU decoder, Bahdanau attention.
const config: Seq2seqConfig = {
  sourceVocabSize: 13, targetVocabSize: 11, embeddingSize: 6, hiddenSize: 8, encoderLayers: 1, decoderLayers: 1, cell: 'gru',
  bidirectional: true, reverseSource: false, bridge: 'dense', attention: 'bahdanau', inputFeeding: false, dropout: 0.2,
};
// Padding on both sides, a one-token target and a longest row.
const pairs: Seq2seqPair[] = [
  { source: [4, 5, 6, 3], target: [4, 5] },
  { source: [7, 3], target: [6, 7, 8, 4, 9, 10] },
  { source: [8, 9, 10, 4, 5, 11, 12, 3], target: [] },
];

describeBackends('fused Bahdanau GRU decoder', () => {
  it('applies only to the one-layer GRU decoder with Bahdanau attention and no input feeding', () => {
    expect(fusedDecoderApplies(config)).toBe(true);
    expect(fusedDecoderApplies({ ...config, cell: 'lstm' })).toBe(false);
    expect(fusedDecoderApplies({ ...config, decoderLayers: 2 })).toBe(false);
    expect(fusedDecoderApplies({ ...config, inputFeeding: true })).toBe(false);
    expect(fusedDecoderApplies({ ...config, attention: 'concat' })).toBe(false);
  });

  it('gives the step-by-step logits, loss and every gradient (with dropout and label smoothing)', () => {
    const batch = seq2seqBatch(pairs);
    const init = initSeq2seq(config, createRng(3));
    const vars = Object.values(init).map((t) => tf.variable(t));
    const named = Object.fromEntries(Object.keys(init).map((k, i) => [k, vars[i] as Variable]));
    const before = tf.memory().numTensors;
    tf.tidy(() => expectClose(seq2seqLogits(config, named, batch), seq2seqLogits(config, named, batch, undefined, { fused: false }), { atol: 1e-5 }));
    expect(tf.memory().numTensors).toBe(before);
    const run = (fused: boolean): { value: Tensor; grads: Record<string, Tensor> } => {
      const rng = createRng(9);
      return tf.variableGrads(() => {
        // seq2seqLoss always takes the fused path when it applies; the reference calls the step-by-step logits.
        if (fused) return seq2seqLoss(config, named, batch, { labelSmoothing: 0.1, training: true, rng });
        const logits = seq2seqLogits(config, named, batch, { rate: config.dropout, rng }, { fused: false });
        const mask = new Float32Array(batch.size * batch.targetWidth);
        batch.targetLengths.forEach((len, b) => mask.fill(1, b * batch.targetWidth, b * batch.targetWidth + len));
        return crossEntropy(logits, tf.tensor1d(batch.targetOutputs, 'int32'), { mask: tf.tensor1d(mask), labelSmoothing: 0.1 });
      }, vars);
    };
    const fused = run(true);
    const reference = run(false);
    expectClose(fused.value, reference.value, { atol: 1e-5 });
    for (const v of vars) {
      const g = fused.grads[v.name] as Tensor;
      expect(g, v.name).toBeDefined();
      expectClose(g, reference.grads[v.name] as Tensor, { atol: 1e-7, rtol: 1e-4 }, v.name);
    }
    tf.dispose([fused.value, reference.value, ...Object.values(fused.grads), ...Object.values(reference.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...vars, ...Object.values(init)]);
  });
});
