import { evaluatePerplexity, interpolateModels, type LanguageModel } from '@nlpkit/core';
import { estimateKneserNey } from '@nlpkit/ngram';
import { describe, expect, it } from 'vitest';
import { memoizedSentenceScores } from './memoizedSentenceScores.js';

const train = ['the cat sat on the mat', 'the dog sat on the log', 'a cat ran to the dog', 'the rat ate the cat'].map((s) => s.split(' '));
const test = [['the', 'cat', 'ate'], ['a', 'dog', 'sat', 'on', 'a', 'zebra'], ['the', 'cat', 'ate']];

/** The model, counting its scoreSentence calls. */
function counted(model: LanguageModel): { model: LanguageModel; calls: () => number } {
  let calls = 0;
  return {
    model: {
      order: model.order,
      vocabulary: model.vocabulary,
      startState: () => model.startState(),
      scoreToken: (state, token) => model.scoreToken(state, token),
      nextLog10Probs: (state) => model.nextLog10Probs(state),
      scoreSentence: (tokens, options) => {
        calls++;
        return model.scoreSentence(tokens, options);
      },
    },
    calls: () => calls,
  };
}

describe('memoizedSentenceScores', () => {
  it('scores each distinct sentence once and gives the model own numbers, alone and in a mixture', () => {
    const kn3 = estimateKneserNey(train, { order: 3 }).model;
    const kn2 = estimateKneserNey(train, { order: 2 }).model;
    const spy = counted(kn3);
    const memo = memoizedSentenceScores(spy.model);
    expect(evaluatePerplexity(memo, test)).toEqual(evaluatePerplexity(kn3, test));
    expect(spy.calls()).toBe(2);
    const mixture = (m: LanguageModel): number => evaluatePerplexity(interpolateModels([m, kn2], [0.7, 0.3]), test).perplexity;
    expect(mixture(memo)).toBe(mixture(kn3));
    expect(spy.calls()).toBe(2);
    expect(memo.scoreSentence(['the', 'cat', 'ate'])).toEqual(kn3.scoreSentence(['the', 'cat', 'ate']));
    expect(memo.scoreSentence(['the', 'cat', 'ate'], { perToken: true })).toEqual(kn3.scoreSentence(['the', 'cat', 'ate'], { perToken: true }));
  });
});
