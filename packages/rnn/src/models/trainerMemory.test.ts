import * as tf from '@tensorflow/tfjs-core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import type { ClassificationExamples } from '../classify/classificationTsv.js';
import type { TextClassifierConfig } from '../classify/textClassifierConfig.js';
import { trainTextClassifier } from '../classify/trainTextClassifier.js';
import { lmStreamFromIds } from '../data/lmStream.js';
import { trainSequenceTagger, type TaggerModelOptions } from '../tagging/trainSequenceTagger.js';
import { trainFixedWindowLm } from './trainFixedWindowLm.js';
import { trainRecurrentLm } from './trainRecurrentLm.js';

// Every model's trainer over 1,000 steps: the tensor count after step 1,000 is the count after step 10 (Adam's
// slots, the carried LM state and the step window exist by then), and everything is freed by `dispose`. Each run
// crosses epoch boundaries (state reset, reshuffle, evaluation where the trainer has one) and checkpoints in memory.
// Dimensions are tiny: the point is the count, not the learning.

const STEPS = 1000;
const LOG = 10;

/** Counts tensors at every `'step'` event (one every LOG steps), trains, disposes, and checks the counts. */
async function expectFlat(
  train: (onEvent: (e: { type: string }) => void) => Promise<{ position: { step: number }; dispose(): void }>,
): Promise<void> {
  const before = tf.memory().numTensors;
  const counts: number[] = [];
  const r = await train((e) => {
    if (e.type === 'step') counts.push(tf.memory().numTensors);
  });
  expect(r.position.step).toBe(STEPS);
  expect(counts).toHaveLength(STEPS / LOG);
  // After step 10 and after step 1,000: the same count, and the same all the way between.
  expect(counts.at(-1)).toBe(counts[0]);
  expect(new Set(counts).size).toBe(1);
  r.dispose();
  expect(tf.memory().numTensors).toBe(before);
}

const ids = Array.from({ length: 40 }, (_, i) => [4, 5, 6, 3, 7, 8, 3][i % 7] as number);
const lm = lmStreamFromIds(ids, 10);
const sink = (): void => {};

/** `n` texts of 1 or 2 tokens. */
function examples(n: number): ClassificationExamples {
  return { ids: Array.from({ length: n }, (_, i) => [4 + (i % 5), 5 + (i % 3)].slice(0, 1 + (i % 2))), labels: Array.from({ length: n }, (_, i) => i % 2) };
}
/** Sentences of 1 or 2 short words: the cost of a step grows with their lengths, the count must not. */
const taggerData = Array.from({ length: 10 }, (_, i) => {
  const s = [
    { words: ['Al', 'is'], tags: ['B-PER', 'O'] },
    { words: ['in', 'Oz'], tags: ['O', 'B-LOC'] },
    { words: ['Al', 'Bo'], tags: ['B-PER', 'I-PER'] },
    { words: ['Oz'], tags: ['B-LOC'] },
  ][i % 4] as { words: string[]; tags: string[] };
  return s;
});

// Only the cpu backend: 7 trainers x 1,000 steps take most of a minute on a busy 2-core machine; the engine's tensor
// count is backend-independent, and each trainer's own tests run shorter memory checks on every backend.
describeBackends(
  'numTensors flat over 1,000 training steps of every model',
  () => {
    it('recurrent LM (LSTM, carried state, dropout, sum-over-time loss, validation)', async () => {
      const config = { vocabSize: 10, embeddingSize: 3, hiddenSize: 3, layers: 1 };
      // 40 ids in 2 rows, segments of 2: 10 steps an epoch.
      await expectFlat((onEvent) =>
        trainRecurrentLm({ config, train: lm, valid: lmStreamFromIds(ids.slice(0, 14), 10), seed: 1, batchSize: 2, bptt: 2, epochs: 100, loss: 'sumOverTime', lr: 0.1, clipNorm: 1, dropout: 0.1, logEvery: LOG, checkpointEvery: 250, checkpoint: sink, onEvent }),
      );
    });

    it('fixed-window LM (dropout, validation)', async () => {
      const config = { vocabSize: 10, context: 2, embeddingSize: 3, hiddenSize: 4 };
      await expectFlat((onEvent) =>
        trainFixedWindowLm({ config, train: lm, valid: lmStreamFromIds(ids.slice(0, 14), 10), seed: 1, batchSize: 4, epochs: 100, lr: 0.1, dropout: 0.1, logEvery: LOG, checkpointEvery: 250, checkpoint: sink, onEvent }),
      );
    });

    const taggers: [string, TaggerModelOptions][] = [
      ['BiLSTM-CRF tagger with character features', { encoder: 'bilstm', output: 'crf', wordEmbeddingSize: 3, hiddenSize: 3, scheme: 'IOB2', chars: { embeddingSize: 2, hiddenSize: 2 } }],
      ['window tagger', { encoder: 'window', output: 'softmax', window: 1, wordEmbeddingSize: 3, hiddenSize: 4, scheme: 'IOB2' }],
    ];
    for (const [name, model] of taggers) {
      it(name, async () => {
        // 10 sentences, 1 a batch: 10 steps an epoch (an epoch's end reads the window, so it must hold LOG steps).
        await expectFlat((onEvent) =>
          trainSequenceTagger({ model, train: taggerData, seed: 1, epochs: STEPS / 10, batchSize: 1, dropout: 0.1, logEvery: LOG, checkpointEvery: 250, checkpoint: sink, validate: () => 0, onEvent }),
        );
      });
    }

    const base = { vocabSize: 10, numLabels: 2, embeddingSize: 3 };
    const classifiers: TextClassifierConfig[] = [
      { ...base, kind: 'rnn', hiddenSize: 3, layers: 1, bidirectional: true, pooling: 'max' },
      { ...base, kind: 'dan', hiddenSizes: [3] },
      { ...base, kind: 'cnn', widths: [1, 2], filters: 2 },
    ];
    for (const config of classifiers) {
      it(`${config.kind} classifier (dropout, validation)`, async () => {
        // 20 examples, 2 a batch: 10 steps an epoch.
        await expectFlat((onEvent) =>
          trainTextClassifier({
            config, train: examples(20), valid: examples(4), seed: 1, batchSize: 2, epochs: STEPS / 10, lr: 0.01, dropout: 0.1,
            wordDropout: config.kind === 'dan' ? 0.2 : 0, logEvery: LOG, checkpointEvery: 250, checkpoint: sink, onEvent,
          }),
        );
      });
    }
  },
  { backends: ['cpu'] },
);
