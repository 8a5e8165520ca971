import * as tf from '@tensorflow/tfjs-core';
import {
  BOS_ID, createRng, evaluatePerplexity, generate, interpolateModels, PAD_ID, scoreSentenceByTokens, topK, UNK_ID,
  vocabularyFromTokens, type LanguageModel, type Vocabulary,
} from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { RnnOptionError } from '../errors.js';
import type { CellConfig } from '../types.js';
import { recurrentLanguageModel } from './recurrentLanguageModel.js';
import { initRecurrentLm, type RecurrentLmConfig } from './recurrentLm.js';

const vocabulary = vocabularyFromTokens(['the', 'cat', 'sat', 'on', 'mat', 'dog']);

/** A hand-made model over the same vocabulary: every predictable id equally likely, whatever the context. */
function uniformModel(vocab: Vocabulary): LanguageModel<null> {
  const n = vocab.size - 2;
  const log10Probs = Float64Array.from({ length: vocab.size }, (_, id) => (id === PAD_ID || id === BOS_ID ? -Infinity : -Math.log10(n)));
  return {
    order: 1,
    vocabulary: vocab,
    startState: () => null,
    scoreToken: (state, token) => ({ log10Prob: -Math.log10(n), oov: vocab.lookup(token) < 0, state }),
    nextLog10Probs: () => Float64Array.from(log10Probs),
    scoreSentence(tokens, options) {
      return scoreSentenceByTokens(this, tokens, options);
    },
  };
}

const configs: [string, CellConfig, boolean][] = [
  ['lstm', { type: 'lstm' }, false],
  ['gru, tied', { type: 'gru' }, true],
];

describeBackends('recurrentLanguageModel implements core LanguageModel', () => {
  for (const [name, cell, tied] of configs) {
    it(`${name}: scoreSentence is the sum of scoreToken, distributions sum to 1, no tensor leaks`, () => {
      const config: RecurrentLmConfig = { vocabSize: vocabulary.size, embeddingSize: 5, hiddenSize: 5, layers: 2, cell, tied };
      const params = initRecurrentLm(config, createRng(3), 0.5);
      const lm = recurrentLanguageModel({ config, params, vocabulary });
      expect(lm.order).toBe(Infinity);
      expect(lm.vocabulary).toBe(vocabulary);
      const sentence = ['the', 'cat', 'zebra', 'sat'];
      const before = tf.memory().numTensors;
      const whole = lm.scoreSentence(sentence, { perToken: true });
      const byTokens = scoreSentenceByTokens(lm, sentence, { perToken: true });
      expect(tf.memory().numTensors).toBe(before);
      expect(whole.tokens).toBe(5);
      expect(whole.oov).toBe(1);
      expect(byTokens.oov).toBe(1);
      expect(whole.log10Prob).toBeLessThan(0);
      expect(whole.log10Prob).toBeCloseTo(byTokens.log10Prob, 5);
      expect(whole.oovLog10Prob).toBeCloseTo(byTokens.oovLog10Prob, 5);
      whole.perToken?.forEach((t, i) => expect(t.log10Prob).toBeCloseTo(byTokens.perToken?.[i]?.log10Prob as number, 5));
      expect(whole.perToken?.map((t) => t.token)).toEqual([...sentence, '</s>']);
      // The OOV token is scored as <unk>.
      const afterCat = scoreSentenceByTokens(lm, ['the', 'cat']);
      const s = lm.scoreToken(lm.scoreToken(lm.startState(), 'the').state, 'cat').state;
      expect(lm.scoreToken(s, 'zebra').log10Prob).toBe(lm.nextLog10Probs(s)[UNK_ID]);
      expect(afterCat.oov).toBe(0);
      // Next-token distributions: length V, -Infinity at <pad> and <s>, sum to 1 in linear space.
      for (const state of [lm.startState(), s]) {
        const p = lm.nextLog10Probs(state);
        expect(p).toHaveLength(vocabulary.size);
        expect(p[PAD_ID]).toBe(-Infinity);
        expect(p[BOS_ID]).toBe(-Infinity);
        expect(p.reduce((sum, v) => sum + 10 ** v, 0)).toBeCloseTo(1, 12);
      }
      // States are plain immutable data, and nextLog10Probs hands out a copy.
      const state = lm.startState();
      expect(Object.isFrozen(state)).toBe(true);
      expect(state.h.every((h) => h instanceof Float32Array)).toBe(true);
      expect(state.c === undefined).toBe(cell.type !== 'lstm');
      lm.nextLog10Probs(state).fill(0);
      expect(lm.nextLog10Probs(state)[PAD_ID]).toBe(-Infinity);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(Object.values(params.rnn.layers.flatMap((l) => Object.values(l.forward))));
      tf.dispose([params.embedding, params.output.b, ...(params.output.w ? [params.output.w] : [])]);
    });
  }

  it('core evaluatePerplexity, interpolateModels, generate and topK work on it unchanged', () => {
    const config: RecurrentLmConfig = { vocabSize: vocabulary.size, embeddingSize: 4, hiddenSize: 6, layers: 1 };
    const params = initRecurrentLm(config, createRng(9), 0.5);
    const lm = recurrentLanguageModel({ config, params, vocabulary });
    const sentences = [['the', 'cat', 'sat'], ['the', 'dog', 'sat', 'on', 'the', 'mat']];
    const before = tf.memory().numTensors;
    const ppl = evaluatePerplexity(lm, sentences);
    const total = sentences.reduce((sum, s) => sum + lm.scoreSentence(s).log10Prob, 0);
    expect(ppl.tokens).toBe(11);
    expect(ppl.perplexity).toBeCloseTo(10 ** (-total / 11), 8);
    const uniform = uniformModel(vocabulary);
    const mixed = interpolateModels([lm, uniform], [0.7, 0.3]);
    const mixedPpl = evaluatePerplexity(mixed, sentences);
    // Each token of the mixture is the weighted sum of the two models in linear space.
    const t0 = lm.scoreToken(lm.startState(), 'the').log10Prob;
    expect(mixed.scoreToken(mixed.startState(), 'the').log10Prob).toBeCloseTo(Math.log10(0.7 * 10 ** t0 + 0.3 / (vocabulary.size - 2)), 10);
    expect(Number.isFinite(mixedPpl.perplexity)).toBe(true);
    const text = generate(lm, { rng: 4, maxTokens: 8 });
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThanOrEqual(8);
    expect(text.every((t) => vocabulary.has(t) && t !== '<pad>' && t !== '<s>' && t !== '<unk>')).toBe(true);
    expect(generate(lm, { rng: 4, maxTokens: 8 })).toEqual(text);
    const best = topK(lm, ['the'], 3);
    expect(best).toHaveLength(3);
    const probs = lm.nextLog10Probs(lm.scoreToken(lm.startState(), 'the').state);
    expect(best[0]?.log10Prob).toBe(Math.max(...Array.from(probs).filter((_, id) => id !== UNK_ID)));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a vocabulary whose size is not config.vocabSize', () => {
    const config: RecurrentLmConfig = { vocabSize: vocabulary.size + 1, embeddingSize: 2, hiddenSize: 2, layers: 1 };
    const params = initRecurrentLm(config, createRng(1));
    expect(() => recurrentLanguageModel({ config, params, vocabulary })).toThrow(RnnOptionError);
    expect(() => recurrentLanguageModel({ config, params, vocabulary })).toThrow(
      `@nlpkit/rnn: options.vocabulary.size must be config.vocabSize (${vocabulary.size + 1}), got ${vocabulary.size}`,
    );
  });
});
