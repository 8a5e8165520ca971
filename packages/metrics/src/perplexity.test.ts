import { describe, expect, it } from 'vitest';
import { createPerplexity, perplexity } from './index.js';

describe('perplexity', () => {
  it('is the inverse geometric mean of token probabilities, per token over the corpus', () => {
    const result = perplexity([[Math.log(0.5), Math.log(0.25)], [Math.log(0.125)]]);
    // 3 tokens, probabilities 1/2, 1/4, 1/8: cross-entropy (ln 2 + ln 4 + ln 8) / 3 = 2 ln 2, perplexity 4.
    expect(result.tokens).toBe(3);
    expect(result.crossEntropy).toBeCloseTo(2 * Math.LN2, 14);
    expect(result.perplexity).toBeCloseTo(4, 12);
    expect(result.bits).toBeCloseTo(2, 14);
    expect(result.nats).toBeCloseTo(2 * Math.LN2, 14);
    expect(result.sentences.map((s) => s.perplexity)).toEqual([expect.closeTo(Math.sqrt(8), 12), expect.closeTo(8, 12)]);
  });
  it('gives the same perplexity for log-probabilities in base e, 2 and 10; cross-entropy is in the input base', () => {
    const probs = [0.3, 0.05, 0.9, 0.41];
    const e = perplexity([probs.map(Math.log)]);
    const two = perplexity([probs.map(Math.log2)], { base: 2 });
    const ten = perplexity([probs.map(Math.log10)], { base: 10 });
    expect(two.perplexity).toBeCloseTo(e.perplexity, 12);
    expect(ten.perplexity).toBeCloseTo(e.perplexity, 12);
    expect(two.crossEntropy).toBeCloseTo(e.crossEntropy / Math.LN2, 12);
    expect(ten.crossEntropy).toBeCloseTo(e.crossEntropy / Math.LN10, 12);
    expect(ten.bits).toBeCloseTo(e.bits, 12);
  });
  it('ignores padding given as a mask or as lengths', () => {
    const padded = [
      [Math.log(0.5), Math.log(0.5), 0],
      [Math.log(0.25), -99, -99],
    ];
    const byMask = perplexity(padded, { padding: { mask: [[1, 1, 0], [true, false, false]] } });
    const byLengths = perplexity(padded, { padding: { lengths: [2, 1] } });
    const unpadded = perplexity([[Math.log(0.5), Math.log(0.5)], [Math.log(0.25)]]);
    expect(byMask).toEqual(unpadded);
    expect(byLengths).toEqual(unpadded);
  });
  it('gives NaN for a sentence that is all padding, and infinity for a zero-probability token', () => {
    const result = perplexity([[Math.log(0.5)], [-1]], { padding: { lengths: [1, 0] } });
    expect(result.sentences[1]).toEqual({ crossEntropy: Number.NaN, perplexity: Number.NaN, tokens: 0 });
    expect(perplexity([[-Infinity, Math.log(0.5)]]).perplexity).toBe(Infinity);
  });
  it('rejects NaN and positive log-probabilities with a typed error, leaving a streaming metric unchanged', () => {
    const metric = createPerplexity().update([[Math.log(0.5)]]);
    expect(() => metric.update([[Math.log(0.5)], [-1, Number.NaN]])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidNumberError: @nlpkit/metrics: logProbs[1][1] must be a log-probability (a number ≤ 0, not NaN), got NaN]`,
    );
    expect(() => perplexity([[0.5]])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidNumberError: @nlpkit/metrics: logProbs[0][0] must be a log-probability (a number ≤ 0, not NaN), got 0.5]`,
    );
    expect(metric.compute().tokens).toBe(1);
    expect(() => perplexity([[-1]], { base: 3 as never })).toThrowErrorMatchingInlineSnapshot(
      `[UnknownNameError: @nlpkit/metrics: base must be one of e, 2, 10, got 3]`,
    );
    expect(() => perplexity([[]])).toThrowErrorMatchingInlineSnapshot(
      `[EmptyInputError: @nlpkit/metrics: logProbs (tokens that are not padding) must hold at least one item, got none]`,
    );
  });
});
