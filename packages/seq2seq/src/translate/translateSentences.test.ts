import * as tf from '@tensorflow/tfjs-core';
import { createRng, vocabularyFromTokens } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { initSeq2seq } from '../model/initSeq2seq.js';
import type { Seq2seqConfig } from '../model/seq2seqConfig.js';
import { translateSentences } from './translateSentences.js';

const sourceVocabulary = vocabularyFromTokens(['ein', 'hund', 'läuft', '.']);
const targetVocabulary = vocabularyFromTokens(['a', 'dog', 'runs', '.']);
const config: Seq2seqConfig = {
  sourceVocabSize: sourceVocabulary.size, targetVocabSize: targetVocabulary.size, embeddingSize: 6, hiddenSize: 8, encoderLayers: 1, decoderLayers: 1,
  cell: 'gru', bidirectional: true, reverseSource: false, bridge: 'dense', attention: 'bahdanau', inputFeeding: true, dropout: 0,
};

describeBackends('translateSentences', () => {
  it('keeps the input order whatever the batching; empty → empty; unknown tokens → <unk>; n-best', async () => {
    const params = initSeq2seq(config, createRng(3));
    const model = { config, params, sourceVocabulary, targetVocabulary };
    const sentences = [['ein', 'hund', 'läuft', '.'], [], ['hund'], ['ein', 'katze', 'fliegt'], ['.']];
    const before = tf.memory().numTensors;
    const one = await translateSentences(model, sentences, { batchSize: 1, maxLength: 6 });
    const all = await translateSentences(model, sentences, { maxLength: 6 });
    expect(tf.memory().numTensors).toBe(before);
    expect(all.map((t) => t.ids)).toEqual(one.map((t) => t.ids));
    all.forEach((t, i) => expect(t.logProb).toBeCloseTo(one[i]?.logProb as number, 4));
    expect(all[1]).toEqual({ tokens: [], ids: [], score: 0, logProb: 0, attention: [] });
    expect(all[3]?.attention[0]).toHaveLength(4);
    all.forEach((t) => expect(t.tokens).toEqual(targetVocabulary.decode(t.ids, { skipSpecials: true })));
    const beams = await translateSentences(model, sentences, { beamSize: 3, nBest: 2, maxLength: 6 });
    expect(beams[0]?.nBest).toHaveLength(2);
    expect(beams[0]?.nBest?.[0]?.tokens).toEqual(beams[0]?.tokens);
    expect(beams[0]?.score).toBeGreaterThanOrEqual(beams[0]?.nBest?.[1]?.score as number);
    await expect(translateSentences(model, sentences, { beamSize: 2, nBest: 3 })).rejects.toThrow(/options\.nBest/);
    tf.dispose(Object.values(params));
  });
});
