import { createRng } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { bleuFromStatistics, bootstrapConfidence, createBleu, pairedBootstrap } from './index.js';

const refs = [
  'the cat sat on the mat', 'a dog barked at the mailman', 'it is raining in the city today', 'she reads a book every night',
  'the train leaves at seven', 'we went to the market on sunday', 'prices rose by three percent', 'he fixed the old bicycle',
  'the children played in the garden', 'our team won the final match', 'the museum opens at nine', 'water boils at one hundred degrees',
];
const good = refs.map((r, i) => (i % 3 === 0 ? r.replace('the', 'a') : r));
const bad = refs.map((r) => r.split(' ').reverse().join(' '));
const stats = (hyps: string[]) => createBleu().update(hyps, [refs]).statistics();
const bleu = (s: readonly number[]) => bleuFromStatistics(s).score;

describe('bootstrap resampling', () => {
  it('is reproducible with a seed and changes with the seed', () => {
    const a = bootstrapConfidence(stats(good), bleu, { samples: 200, seed: 7 });
    const b = bootstrapConfidence(stats(good), bleu, { samples: 200, seed: 7 });
    const c = bootstrapConfidence(stats(good), bleu, { samples: 200, seed: 8 });
    expect(a).toEqual(b);
    expect(c.mean).not.toBe(a.mean);
  });
  it('gives the corpus score and an interval around the resampled mean', () => {
    const result = bootstrapConfidence(stats(good), bleu, { samples: 300 });
    expect(result.score).toBe(createBleu().update(good, [refs]).compute().score);
    expect(result.lower).toBeLessThanOrEqual(result.mean);
    expect(result.mean).toBeLessThanOrEqual(result.upper);
    expect(result.ci).toBeCloseTo((result.upper - result.lower) / 2, 12);
    expect(result.ci).toBeGreaterThan(0);
    expect([result.samples, result.seed]).toEqual([300, 12345]);
  });
  it('paired test: a much better system is significant, a near copy is not', () => {
    const clear = pairedBootstrap(stats(bad), stats(good), bleu, { samples: 500, seed: 3 });
    expect(clear.system).toBeGreaterThan(clear.baseline);
    expect(clear.pValue).toBeLessThan(0.01);
    const nearCopy = good.map((h, i) => (i === 4 ? 'the train leaves at eight' : h));
    const close = pairedBootstrap(stats(good), stats(nearCopy), bleu, { samples: 500, seed: 3 });
    expect(close.pValue).toBeGreaterThan(0.05);
    expect(pairedBootstrap(stats(bad), stats(good), bleu, { samples: 500, seed: 3 })).toEqual(clear);
  });
  it('draws each resample from core createRng(seed).int(n), index after index', () => {
    // One-hot statistics: column k of a resample's sum counts how often segment k was drawn, so a score that
    // reads column 0 replays the draws. The expected counts come straight from core's generator.
    const n = 5;
    const oneHot = Array.from({ length: n }, (_, k) => Array.from({ length: n }, (_, j) => (j === k ? 1 : 0)));
    const rng = createRng(99);
    const expected: number[] = [];
    for (let s = 0; s < 50; s++) {
      let zeros = 0;
      for (let i = 0; i < n; i++) if (rng.int(n) === 0) zeros++;
      expected.push(zeros);
    }
    const seen: number[] = [];
    bootstrapConfidence(oneHot, (stats) => (seen.push(stats[0] as number), 0), { samples: 50, seed: 99 });
    // The first call scores the resamples, the last the full corpus.
    expect(seen.slice(0, 50)).toEqual(expected);
    expect(seen[50]).toBe(1);
  });
  it('draws segments uniformly: each is picked once per resample on average', () => {
    const n = 5;
    const oneHot = Array.from({ length: n }, (_, k) => Array.from({ length: n }, (_, j) => (j === k ? 1 : 0)));
    for (let k = 0; k < n; k++) {
      const { mean } = bootstrapConfidence(oneHot, (stats) => stats[k] as number, { samples: 4000, seed: 5 });
      // Binomial(5, 1/5) per resample: variance 0.8, so the mean of 4000 has a standard error of 0.014.
      expect(Math.abs(mean - 1)).toBeLessThan(0.06);
    }
  });
  it('rejects bad input with typed errors', () => {
    expect(() => bootstrapConfidence([], bleu)).toThrowErrorMatchingInlineSnapshot(`[EmptyInputError: @nlpkit/metrics: statistics must hold at least one segment, got nothing]`);
    expect(() => bootstrapConfidence(stats(good), bleu, { samples: 0 })).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: options.samples must be an integer ≥ 1, got 0]`);
    expect(() => bootstrapConfidence(stats(good), bleu, { seed: -1 })).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: options.seed must be an integer from 0 to 4294967295, got -1]`);
    expect(() => pairedBootstrap(stats(good), stats(good).slice(1), bleu)).toThrowErrorMatchingInlineSnapshot(`[LengthMismatchError: @nlpkit/metrics: system must be 12 segments (as many as baseline), got 11]`);
  });
});
