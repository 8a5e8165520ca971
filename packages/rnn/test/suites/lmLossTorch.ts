import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { expectCloseAsync } from '@nlpkit/tensor/testing';
import { it } from 'vitest';
import fixture from '../fixtures/torch-lm-loss.json' with { type: 'json' };
import { recurrentLmForward, recurrentLmForwardLoss, recurrentLmLoss, type RecurrentLmConfig, type RecurrentLmParams } from '../../src/models/recurrentLm.js';
import { fromTorchRnn } from '../../src/torch/torchImport.js';

/**
 * The evaluation loss of a whole recurrent LM against PyTorch (scripts/golden/rnn/torch_lm_loss.py: embedding →
 * 2-layer LSTM → linear over 1,100 words, from a given state, F.cross_entropy with padding masked by lengths and
 * label smoothing 0.1): `recurrentLmForwardLoss` (on wasm, the fused output-layer-and-loss kernel over three
 * 512-column blocks, the last partial) and forward + `recurrentLmLoss` (the two ops), within 1e-5 relative; final
 * states within 1e-5. Shared by src/models/recurrentLmTorch.test.ts (Node) and src/numericSuites.browser.test.ts
 * (Chromium, webgpu included: tensors are read asynchronously).
 */
export function lmLossTorchSuite(): void {
  const tensor = (r: { shape: number[]; data: number[] }): Tensor => tf.tensor(r.data, r.shape);
  const config: RecurrentLmConfig = { vocabSize: fixture.vocabSize, embeddingSize: fixture.embeddingSize, hiddenSize: fixture.hiddenSize, layers: fixture.layers };

  function model(): RecurrentLmParams {
    const dict = Object.fromEntries(Object.entries(fixture.params).map(([k, v]) => [k, tensor(v)]));
    const { params: rnn } = fromTorchRnn(dict, { mode: 'LSTM' }, 'lstm.');
    return {
      embedding: dict['embedding.weight'] as Tensor2D,
      rnn,
      output: { w: tf.transpose(dict['linear.weight'] as Tensor2D), b: dict['linear.bias'] as Tensor1D },
    };
  }

  for (const c of fixture.cases) {
    it(`${c.name}: the loss within 1e-5 in one call and via the logits; final states within 1e-5`, async () => {
      const [inOne, viaLogits, h, cell] = tf.tidy(() => {
        const params = model();
        const [h0, c0] = [tensor(fixture.h0), tensor(fixture.c0)];
        const state = Array.from({ length: config.layers }, (_, k) => ({
          h: tf.squeeze(tf.slice(h0, [k, 0, 0], [1, -1, -1]), [0]) as Tensor2D,
          c: tf.squeeze(tf.slice(c0, [k, 0, 0], [1, -1, -1]), [0]) as Tensor2D,
        }));
        const lengths = c.lengths === null ? {} : { lengths: c.lengths };
        const one = recurrentLmForwardLoss(config, params, fixture.ids, fixture.targets, { state, ...lengths, labelSmoothing: c.labelSmoothing });
        const forward = recurrentLmForward(config, params, fixture.ids, { state, ...lengths });
        const two = recurrentLmLoss(forward.logits, fixture.targets, { ...lengths, labelSmoothing: c.labelSmoothing });
        return [one.loss, two, tf.stack(one.state.map((s) => s.h)), tf.stack(one.state.map((s) => s.c as Tensor))];
      });
      try {
        const rtol = { atol: 0, rtol: 1e-5 };
        await expectCloseAsync(inOne, c.loss, rtol, 'recurrentLmForwardLoss');
        await expectCloseAsync(viaLogits, c.loss, rtol, 'recurrentLmForward + recurrentLmLoss');
        await expectCloseAsync(h, tensor(c.hN), { atol: 1e-5 }, 'final h');
        await expectCloseAsync(cell, tensor(c.cN), { atol: 1e-5 }, 'final c');
      } finally {
        tf.dispose([inOne, viaLogits, h, cell]);
      }
    });
  }
}
