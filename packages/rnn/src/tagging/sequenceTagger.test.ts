import * as tf from '@tensorflow/tfjs-core';
import { createRng, FormatError, EmptyInputError } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { flattenParams } from '@nlpkit/train';
import { expect, it } from 'vitest';
import { RnnOptionError, RnnShapeError } from '../errors.js';
import { crfConstraints } from './crfConstraints.js';
import {
  checkSequenceTaggerConfig, initSequenceTagger, sequenceTaggerEmissions, sequenceTaggerLoss, sequenceTaggerShapes, type SequenceTaggerConfig,
} from './sequenceTagger.js';
import { buildTaggerVocabularies, encodeTaggerBatch } from './taggerData.js';

const DATA = [
  { words: ['John', 'lives', 'in', 'New', 'York'], tags: ['B-PER', 'O', 'O', 'B-LOC', 'I-LOC'] },
  { words: ['Paris'], tags: ['B-LOC'] },
  { words: ['Mary', 'Smith', 'visited', 'Paris', '.'], tags: ['B-PER', 'I-PER', 'O', 'B-LOC', 'O'] },
];

function configFor(encoder: 'bilstm' | 'window', output: 'softmax' | 'crf', chars: boolean): [SequenceTaggerConfig, ReturnType<typeof buildTaggerVocabularies>] {
  const v = buildTaggerVocabularies(DATA, { chars });
  const config: SequenceTaggerConfig = {
    encoder, output, wordVocabSize: v.words.size, numTags: v.tags.length, wordEmbeddingSize: 6, hiddenSize: 5, scheme: 'IOB2',
    ...(encoder === 'bilstm' ? { layers: 2 } : { window: 1 }),
    ...(chars ? { chars: { vocabSize: (v.chars as { size: number }).size, embeddingSize: 3, hiddenSize: 4, maxWordLength: 4 } } : {}),
  };
  return [config, v];
}

describeBackends('sequence tagger forward', () => {
  it('every encoder × output × char-feature combination: weights named as sequenceTaggerShapes says, [B, T, K] scores, a finite loss', () => {
    for (const encoder of ['bilstm', 'window'] as const) {
      for (const output of ['softmax', 'crf'] as const) {
        for (const chars of [false, true]) {
          const [config, v] = configFor(encoder, output, chars);
          const params = initSequenceTagger(config, createRng(1));
          const flat = flattenParams(params);
          expect(new Map(Object.entries(flat).map(([k, t]) => [k, t.shape]))).toEqual(sequenceTaggerShapes(config));
          const batch = encodeTaggerBatch(config, v, DATA.map((s) => s.words), DATA.map((s) => s.tags));
          const before = tf.memory().numTensors;
          const loss = tf.tidy(() => {
            expect(sequenceTaggerEmissions(config, params, batch).shape).toEqual([3, 5, v.tags.length]);
            return sequenceTaggerLoss(config, params, batch, { dropout: 0.3, training: true, rng: createRng(2), constraints: crfConstraints(v.tags, 'IOB2') });
          });
          const value = loss.dataSync()[0] as number;
          expect(Number.isFinite(value) && value > 0).toBe(true);
          loss.dispose();
          expect(tf.memory().numTensors).toBe(before);
          tf.dispose(Object.values(flat));
        }
      }
    }
  });

  it('padding rows give the same scores as each sentence alone (lengths respected, also in the character BiLSTM)', () => {
    const [config, v] = configFor('bilstm', 'crf', true);
    const params = initSequenceTagger(config, createRng(3));
    const both = tf.tidy(() => sequenceTaggerEmissions(config, params, encodeTaggerBatch(config, v, [DATA[0]!.words, DATA[1]!.words])).arraySync());
    const alone = tf.tidy(() => sequenceTaggerEmissions(config, params, encodeTaggerBatch(config, v, [DATA[1]!.words])).arraySync());
    expect(both[1]![0]![0]).toBeCloseTo(alone[0]![0]![0]!, 5);
    expect(both[1]![0]![2]).toBeCloseTo(alone[0]![0]![2]!, 5);
    tf.dispose(Object.values(flattenParams(params)));
  });

  it('refuses out-of-range ids, bad configs, tags outside the tag set and empty data, naming the argument', () => {
    const [config, v] = configFor('window', 'softmax', false);
    const params = initSequenceTagger(config, createRng(1));
    expect(() => sequenceTaggerEmissions(config, params, { words: [[1, 2, 999]], lengths: [3] })).toThrowErrorMatchingInlineSnapshot(
      `[RnnShapeError: @nlpkit/rnn: batch.words[0][2] must be a word id (config.wordVocabSize ${v.words.size}) from 0 to ${v.words.size - 1}, got 999]`,
    );
    expect(() => sequenceTaggerLoss(config, params, { words: [[1, 2]], lengths: [2], tags: [[0, 9]] })).toThrow(/batch.tags\[0\]\[1\] must be a tag id/);
    expect(() => sequenceTaggerEmissions(config, params, { words: [[1, 2]], lengths: [3] })).toThrow(/lengths\[0\]/);
    expect(() => checkSequenceTaggerConfig({ ...config, encoder: 'gru' as never })).toThrow(RnnOptionError);
    expect(() => checkSequenceTaggerConfig({ ...config, hiddenSize: 0 })).toThrow(/config.hiddenSize must be an integer from 1/);
    expect(() => checkSequenceTaggerConfig({ ...config, scheme: 'XYZ' as never })).toThrow(/config.scheme/);
    expect(() => checkSequenceTaggerConfig({ ...config, layers: 2 })).toThrow(/config.layers must be absent for a window encoder/);
    expect(() => encodeTaggerBatch(config, v, [['a']], [['B-MISC']])).toThrow(FormatError);
    expect(() => buildTaggerVocabularies([])).toThrow(EmptyInputError);
    expect(() => buildTaggerVocabularies([{ words: ['a', 'b'], tags: ['O'] }])).toThrow(/train\[0\].tags must be one tag per word \(2\), got 1/);
    expect(() => buildTaggerVocabularies([{ words: [], tags: [] }])).toThrow(FormatError);
    expect(() => sequenceTaggerEmissions(config, params, { words: [], lengths: [] })).toThrow(RnnShapeError);
    tf.dispose(Object.values(flattenParams(params)));
  });
});
