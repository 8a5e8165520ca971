import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { lmStreamFromIds } from '../../src/data/lmStream.js';
import { trainRecurrentLm } from '../../src/models/trainRecurrentLm.js';

const STEPS = 1000;
const LOG = 10;

/**
 * src/models/trainerMemory.test.ts's recurrent-LM check for a GPU backend: the tensor count after step 1,000 is
 * the count after step 10, and `dispose` frees everything. The trainer reads values back only asynchronously
 * (every `logEvery` steps), which is all webgpu in headless Chromium supports. No checkpoints here (checkpoints on
 * webgpu are tested in src/webgpuReads.browser.test.ts). Dimensions are tiny: the
 * point is the count, not the learning.
 */
export function lmTrainingMemorySuite(): void {
  it('recurrent LM (LSTM, carried state, dropout, clipping, validation every epoch)', async () => {
    // 200 ids in 2 rows, segments of 2: 50 steps an epoch, 20 epochs (state resets, reshuffles, validations).
    const ids = Array.from({ length: 200 }, (_, i) => [4, 5, 6, 3, 7, 8, 3][i % 7] as number);
    const config = { vocabSize: 10, embeddingSize: 3, hiddenSize: 3, layers: 1 };
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const losses: number[] = [];
    let validations = 0;
    const r = await trainRecurrentLm({
      config, train: lmStreamFromIds(ids, 10), valid: lmStreamFromIds(ids.slice(0, 14), 10), seed: 1, batchSize: 2, bptt: 2,
      epochs: STEPS / 50, loss: 'sumOverTime', lr: 0.1, clipNorm: 1, dropout: 0.1, logEvery: LOG,
      onEvent: (e) => {
        if (e.type === 'epoch' && e.validPerplexity !== undefined) validations += 1;
        if (e.type !== 'step') return;
        counts.push(tf.memory().numTensors);
        losses.push(e.loss);
      },
    });
    expect(r.position.step).toBe(STEPS);
    expect(validations).toBe(STEPS / 50);
    expect(counts).toHaveLength(STEPS / LOG);
    expect(new Set(counts).size, `tensor counts seen: ${[...new Set(counts)].join(', ')}`).toBe(1);
    // The values did come back from the device, and the model learned something of its 7-token cycle.
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)).toBeLessThan(losses[0] as number);
    r.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
}
