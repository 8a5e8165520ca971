import { BOS_ID, EmptyInputError, InvalidArgumentError, PAD_ID, UnknownNameError, evaluatePerplexity, generate } from '@nlpkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { absoluteDiscounting } from './absoluteDiscounting.js';
import type { CountLanguageModel } from './countLanguageModel.js';
import { katzBackoff, goodTuringCounts } from './katzBackoff.js';
import { kneserNeyInterpolated } from './kneserNeyInterpolated.js';
import { laplace, lidstone } from './lidstone.js';
import { mle } from './mle.js';
import { collectNgramStatistics, type NgramStatistics } from './ngramStatistics.js';
import { stupidBackoff } from './stupidBackoff.js';
import { wittenBell } from './wittenBell.js';

const corpus = fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 6 }), {
  minLength: 1,
  maxLength: 8,
});
const context = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'q'), { maxLength: 3 });
const proper: [string, (s: NgramStatistics) => CountLanguageModel][] = [
  ['laplace', (s) => laplace(s)],
  ['lidstone', (s) => lidstone(s, { k: 0.2 })],
  ['wittenBell', (s) => wittenBell(s)],
  ['absoluteDiscounting', (s) => absoluteDiscounting(s)],
  ['kneserNeyInterpolated', (s) => kneserNeyInterpolated(s, { discount: 0.3 })],
  ['katzBackoff', (s) => katzBackoff(s)],
];

function sumOver(model: CountLanguageModel, ctx: readonly string[], skipBos: boolean): number {
  let sum = 0;
  for (const w of model.stats.wordIndex.words()) if (!(skipBos && w === '<s>')) sum += model.prob(w, ctx, false);
  return sum;
}

describe('smoothing family', () => {
  for (const [name, make] of proper) {
    it(`${name} is a distribution over the vocabulary after any context (both paddings)`, () => {
      fc.assert(
        fc.property(corpus, fc.integer({ min: 1, max: 3 }), fc.constantFrom('kenlm' as const, 'nltk' as const), context, (train, order, padding, ctx) => {
          const model = make(collectNgramStatistics(train, { order, padding }));
          expect(sumOver(model, ctx, padding === 'kenlm')).toBeCloseTo(1, 9);
        }),
        { numRuns: 60 },
      );
    });
  }

  for (const padding of ['kenlm', 'nltk'] as const) {
    it(`implements core's LanguageModel over the smoothed probabilities (padding ${padding})`, () => {
      fc.assert(
        fc.property(corpus, fc.integer({ min: 1, max: 3 }), context, (train, order, ctx) => {
          const model = wittenBell(train, { order, padding });
          expect(model.vocabulary.size).toBe(model.stats.wordIndex.size + 1);
          let state = model.startState();
          for (const w of ctx) state = model.scoreToken(state, w).state;
          const log10Probs = model.nextLog10Probs(state);
          expect(log10Probs).toHaveLength(model.vocabulary.size);
          expect(log10Probs[PAD_ID]).toBe(-Infinity);
          expect(log10Probs[BOS_ID]).toBe(-Infinity);
          for (const word of ['a', 'b', '</s>', 'q']) {
            const scored = model.scoreToken(state, word);
            expect(scored.oov).toBe(word !== '</s>' && !(train.flat() as string[]).includes(word));
            expect(scored.log10Prob).toBe(log10Probs[model.vocabulary.id(word)]);
            // The state holds the padding then the context, as prob() builds it.
            expect(10 ** scored.log10Prob).toBeCloseTo(model.prob(word, ctx), 12);
          }
          if (padding === 'kenlm') expect(log10Probs.reduce((s, lp) => s + 10 ** lp, 0)).toBeCloseTo(1, 9);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('is evaluated and sampled by core like any LanguageModel, and equals its ARPA form there', () => {
    const train = [['a', 'b', 'c'], ['b', 'c', 'a'], ['a', 'c', 'b', 'a']];
    const model = kneserNeyInterpolated(train, { order: 3 });
    const test = [['a', 'b'], ['c', 'q', 'a']];
    const result = evaluatePerplexity(model, test);
    expect(result.tokens).toBe(7);
    expect(result.oov).toBe(1);
    expect(result.log10Prob).toBeCloseTo(evaluatePerplexity(model.toBackoffModel(), test).log10Prob, 5);
    expect(generate(model, { rng: 7, maxTokens: 10 })).toEqual(generate(model, { rng: 7, maxTokens: 10 }));
  });

  it('MLE is relative frequency: p(b | a) = c(a b)/c(a •)', () => {
    const model = mle([['a', 'b'], ['a', 'c'], ['a', 'b']], { order: 2 });
    expect(model.prob('b', ['a'], false)).toBeCloseTo(2 / 3, 12);
    expect(model.prob('a', ['c'], false)).toBe(0);
    expect(model.log10Prob('a', ['c'], false)).toBe(-Infinity);
  });

  it('writes interpolated and backoff members as ARPA models with the same scores', () => {
    fc.assert(
      fc.property(corpus, fc.integer({ min: 1, max: 3 }), context, fc.constantFrom('a', 'b', 'c', 'd', '</s>'), (train, order, ctx, word) => {
        const stats = collectNgramStatistics(train, { order });
        // MLE gives 0 after an unseen context (its probabilities then sum to 0) where the ARPA form backs off,
        // so it is compared after seen contexts only.
        const seenContext = Math.abs(mle(stats).stats.wordIndex.words().reduce((s, w) => s + mle(stats).prob(w, ctx), 0) - 1) < 1e-9;
        const makers: ((s: NgramStatistics) => CountLanguageModel)[] = [
          (s) => wittenBell(s),
          (s) => absoluteDiscounting(s),
          (s) => kneserNeyInterpolated(s),
          (s) => katzBackoff(s),
        ];
        if (seenContext) makers.push((s) => mle(s));
        for (const make of makers) {
          const model = make(stats);
          const arpa = model.toBackoffModel();
          const expected = model.prob(word, ctx);
          const actual = 10 ** arpa.log10Prob(word, ctx);
          if (expected === 0) expect(actual).toBe(0);
          else expect(actual / expected).toBeCloseTo(1, 5);
        }
      }),
      { numRuns: 80 },
    );
    expect(() => lidstone([['a']], { order: 2, k: 1 }).toBackoffModel()).toThrowErrorMatchingInlineSnapshot(
      `[UnsupportedError: @nlpkit/ngram: add-1 cannot be written as an ARPA backoff model]`,
    );
  });

  it('Good-Turing counts follow Katz’s formula and keep counts where a bin is empty', () => {
    // n1 = 10, n2 = 4, n3 = 2, k = 2: common = 3·2/10 = 0.6; 1* = (2·4/10 − 0.6)/0.4 = 0.5; 2* = (3·2/4 − 1.2)/0.4 = 0.75.
    const star = goodTuringCounts([0, 10, 4, 2], 2);
    expect(star[1]).toBeCloseTo(0.5, 12);
    expect(star[2]).toBeCloseTo(0.75, 12);
    expect(goodTuringCounts([0, 3, 0, 1], 2)).toEqual([0, 1, 2]);
  });

  it('stupid backoff scores are not a distribution and are typed apart from probabilities', () => {
    const model = stupidBackoff([['a', 'b'], ['a', 'c'], ['b', 'c']], { order: 2, alpha: 0.4 });
    expect(model.score('b', ['a'])).toBeCloseTo(0.5, 12); // c(a b)/c(a •)
    // Unseen bigram "c a": 0.4 × unigram c(a)/N with N = 9 tokens (</s> included, <s> not predicted).
    expect(model.score('a', ['c'])).toBeCloseTo(0.4 * (2 / 9), 12);
    const total = ['a', 'b', 'c', '</s>'].reduce((s, w) => s + model.score(w, ['c']), 0);
    expect(total).not.toBeCloseTo(1, 3);
    expect('log10Prob' in model).toBe(false);
    expect('scoreToken' in model).toBe(false);
    expect(model.log10Score('b', ['a'])).toBeCloseTo(Math.log10(0.5), 12);
  });

  it('rejects bad parameters', () => {
    expect(() => lidstone([['a']], { order: 2, k: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/ngram: options.k must be a positive number, got 0]`,
    );
    expect(() => absoluteDiscounting([['a']], { order: 2, discount: 1.5 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/ngram: options.discount must be a number from 0 to 1, got 1.5]`,
    );
    expect(() => collectNgramStatistics([['a']], { order: 2, padding: 'x' as 'nltk' })).toThrow(UnknownNameError);
    expect(() => collectNgramStatistics([], { order: 2 })).toThrow(EmptyInputError);
    expect(() => wittenBell([['a']], { order: 2, discount: 0.5 } as never)).toThrow(/options.discount must be absent/);
    expect(() => katzBackoff([['a']], { order: 2, maxDiscountedCount: 0 })).toThrow(InvalidArgumentError);
    expect(() => stupidBackoff([['a']], { order: 2, alpha: -1 })).toThrow(InvalidArgumentError);
  });
});
