import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import type { ClassificationExamples } from './classificationTsv.js';
import { evaluateTextClassifier } from './evaluateTextClassifier.js';
import type { TextClassifierConfig } from './textClassifierConfig.js';
import { trainTextClassifier, type TrainClassifierEvent } from './trainTextClassifier.js';

// Ids 4-9 are neutral, 10-12 positive, 13-15 negative; the label says which kind of word the text holds.
function synthetic(n: number, seed: number): ClassificationExamples {
  const rng = createRng(seed);
  const ids: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = rng.int(2);
    const row = Array.from({ length: 1 + rng.int(7) }, () => 4 + rng.int(6));
    row.splice(rng.int(row.length + 1), 0, (label === 1 ? 10 : 13) + rng.int(3));
    ids.push(row);
    labels.push(label);
  }
  return { ids, labels };
}

const base = { vocabSize: 16, numLabels: 2, embeddingSize: 8 };
const train = synthetic(240, 1);
const valid = synthetic(80, 2);

describeBackends('trainTextClassifier', () => {
  for (const config of [
    { ...base, kind: 'dan', hiddenSizes: [8] },
    { ...base, kind: 'cnn', widths: [1, 2, 3], filters: 4 },
    { ...base, kind: 'rnn', hiddenSize: 8, layers: 1, bidirectional: true, pooling: 'max' },
  ] as TextClassifierConfig[]) {
    it(`${config.kind} learns a separable task (accuracy, macro-F1 on valid)`, async () => {
      const epochs: TrainClassifierEvent[] = [];
      const r = await trainTextClassifier({ config, train, valid, seed: 1, batchSize: 16, epochs: 4, lr: 0.02, dropout: 0.1, wordDropout: config.kind === 'dan' ? 0.2 : 0, onEvent: (e) => e.type === 'epoch' && epochs.push(e) });
      try {
        expect(r.stopped).toBe('completed');
        expect(epochs).toHaveLength(4);
        expect(r.valid?.accuracy).toBeGreaterThanOrEqual(0.95);
        expect(r.valid?.macroF1).toBeGreaterThanOrEqual(0.95);
        const again = await evaluateTextClassifier(r.config, r.params, valid);
        expect(again.accuracy).toBe(r.valid?.accuracy);
      } finally {
        r.dispose();
      }
    });
  }

  it('numTensors stays flat over many steps (BiLSTM, dropout, Adam, clipping, evaluation)', async () => {
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const config: TextClassifierConfig = { ...base, kind: 'rnn', hiddenSize: 6, layers: 2, bidirectional: true, pooling: 'last', cell: { type: 'gru' } };
    const r = await trainTextClassifier({
      config, train, valid, seed: 2, batchSize: 8, epochs: 7, lr: 0.01, dropout: 0.3, clipNorm: 1, logEvery: 1,
      onEvent: (e) => e.type === 'step' && counts.push(tf.memory().numTensors),
    });
    expect(counts.length).toBe(7 * 30);
    // After the first step (Adam makes its slots), the count never moves.
    expect(new Set(counts.slice(1)).size).toBe(1);
    r.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes exactly: one epoch, a checkpoint, then the rest gives the weights of one uninterrupted run', async () => {
    const config: TextClassifierConfig = { ...base, kind: 'dan', hiddenSizes: [6] };
    const common = { config, train, seed: 5, batchSize: 16, lr: 0.01, dropout: 0.2, wordDropout: 0.3 };
    const full = await trainTextClassifier({ ...common, epochs: 2 });
    let bytes: Uint8Array | undefined;
    const half = await trainTextClassifier({ ...common, epochs: 2, checkpointEvery: 7, checkpoint: (b, p) => {
      if (p.step === 21) bytes = b;
    } });
    half.dispose();
    expect(bytes).toBeDefined();
    const resumed = await trainTextClassifier({ ...common, epochs: 2, resume: bytes as Uint8Array });
    for (const [name, t] of Object.entries(full.params)) expect(Array.from(resumed.params[name]?.dataSync() ?? []), name).toEqual(Array.from(t.dataSync()));
    full.dispose();
    resumed.dispose();
    const other = trainTextClassifier({ ...common, config: { ...config, hiddenSizes: [7] }, epochs: 2, resume: bytes as Uint8Array });
    await expect(other).rejects.toMatchObject({ code: 'ERR_CHECKPOINT', argument: 'options.resume (config)' });
  });

  it('an abort stops between steps and saves a checkpoint first', async () => {
    const ac = new AbortController();
    const saved: number[] = [];
    const r = await trainTextClassifier({
      config: { ...base, kind: 'dan', hiddenSizes: [] }, train, seed: 1, batchSize: 16, epochs: 3, lr: 0.01, logEvery: 1, signal: ac.signal,
      checkpoint: (_, p) => void saved.push(p.step),
      onEvent: (e) => e.type === 'step' && e.step === 4 && ac.abort(),
    });
    expect(r.stopped).toBe('aborted');
    expect(saved).toEqual([4]);
    r.dispose();
  });
});

it('bad training data: typed errors naming the argument', async () => {
  const config: TextClassifierConfig = { ...base, kind: 'dan', hiddenSizes: [] };
  const opts = { config, seed: 1, batchSize: 4, epochs: 1, lr: 0.1 };
  await expect(trainTextClassifier({ ...opts, train: { ids: [], labels: [] } })).rejects.toMatchObject({ code: 'ERR_EMPTY_INPUT', argument: 'options.train' });
  await expect(trainTextClassifier({ ...opts, train: { ids: [[4]], labels: [2] } })).rejects.toMatchObject({ argument: 'options.train.labels[0]' });
  await expect(trainTextClassifier({ ...opts, train: { ids: [[4, 16]], labels: [1] } })).rejects.toMatchObject({ argument: 'options.train.ids[0][1]' });
  await expect(trainTextClassifier({ ...opts, train: { ids: [[]], labels: [1] } })).rejects.toMatchObject({ code: 'ERR_RNN_SHAPE', argument: 'options.train.ids[0]' });
  await expect(trainTextClassifier({ ...opts, train: { ids: [[4]], labels: [1, 0] } })).rejects.toMatchObject({ argument: 'options.train.labels' });
  await expect(trainTextClassifier({ ...opts, train: { ids: [[4]], labels: [1] }, patience: 2 })).rejects.toMatchObject({ argument: 'options.patience' });
  // Word dropout belongs to the DAN: on another kind it would be silently ignored.
  const cnn: TextClassifierConfig = { ...base, kind: 'cnn', widths: [2], filters: 3 };
  await expect(trainTextClassifier({ ...opts, config: cnn, train: { ids: [[4, 5]], labels: [1] }, wordDropout: 0.2 })).rejects.toThrow(/options.wordDropout must be 0 or absent for a cnn classifier/);
});
