import { createRng } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initSeq2seq } from '../model/initSeq2seq.js';
import type { Seq2seqConfig } from '../model/seq2seqConfig.js';
import { seq2seqDecoderSession, type Seq2seqModel } from '../model/seq2seqDecoderSession.js';
import { beamSearch } from './beamSearch.js';
import { greedyDecode } from './greedyDecode.js';
import { sampleDecode } from './sampleDecode.js';

// The strategies on the real model (an untrained one: what matters here is the plumbing — batching, row
// selection, attention, memory — not the translations).
const config: Seq2seqConfig = {
  sourceVocabSize: 15, targetVocabSize: 12, embeddingSize: 8, hiddenSize: 8, encoderLayers: 1, decoderLayers: 2, cell: 'lstm',
  bidirectional: true, reverseSource: false, bridge: 'dense', attention: 'general', inputFeeding: true, dropout: 0,
};
const sources = [[4, 5, 6, 3], [7, 3], [8, 9, 10, 11, 12, 13, 3], [14, 3]];

describeBackends('decoding a seq2seq model', () => {
  let model: Seq2seqModel;
  beforeAll(() => {
    // Larger weights than the initializer's, so that distributions are far from uniform and ties impossible.
    const params = initSeq2seq(config, createRng(3));
    model = { config, params: Object.fromEntries(Object.entries(params).map(([k, t]) => [k, tf.tidy(() => tf.mul(t, 25))])) };
    tf.dispose(Object.values(params));
  });
  afterAll(() => tf.dispose(Object.values(model.params)));

  it('beam 1 is greedy; a batched beam equals each sentence alone; attention rows sum to 1 on the source', async () => {
    const before = tf.memory().numTensors;
    const session = seq2seqDecoderSession(model, sources);
    try {
      const greedy = await greedyDecode(session, { maxLength: 8 });
      expect(greedy.filter((g) => g.ids.length > 1).length).toBeGreaterThan(1); // the test sees real decoding, not an instant </s>
      const beam1 = await beamSearch(session, { beamSize: 1, maxLength: 8 });
      greedy.forEach((g, s) => {
        expect(beam1[s]![0]!.ids).toEqual(g.ids);
        expect(beam1[s]![0]!.logProb).toBeCloseTo(g.logProb, 4);
      });
      const beam = await beamSearch(session, { beamSize: 4, nBest: 3, maxLength: 8, lengthPenalty: 'gnmt', beta: 0.2 });
      for (let s = 0; s < sources.length; s++) {
        const alone = seq2seqDecoderSession(model, [sources[s]!]);
        try {
          const [list] = await beamSearch(alone, { beamSize: 4, nBest: 3, maxLength: 8, lengthPenalty: 'gnmt', beta: 0.2 });
          expect(beam[s]!.map((h) => h.ids)).toEqual(list!.map((h) => h.ids));
          beam[s]!.forEach((h, i) => expect(h.score).toBeCloseTo(list![i]!.score, 3));
        } finally {
          alone.dispose();
        }
        for (const h of beam[s]!) {
          expect(h.score).toBeGreaterThanOrEqual(beam[s]!.at(-1)!.score);
          for (const row of h.attention) {
            expect(row.length).toBe(sources[s]!.length);
            expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
          }
        }
      }
      await sampleDecode(session, { rng: 1, maxLength: 8 });
    } finally {
      session.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
