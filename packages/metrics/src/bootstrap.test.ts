import { describe, expect, it } from 'vitest';
import { bleuFromStatistics, bootstrapConfidence, createBleu, createRng, pairedBootstrap } from './index.js';

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
  it('draws uniform indices from the seeded generator', () => {
    const next = createRng(42);
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 50_000; i++) {
      const k = next(5);
      counts[k] = (counts[k] as number) + 1;
    }
    for (const c of counts) expect(Math.abs(c / 50_000 - 0.2)).toBeLessThan(0.01);
  });
  it('rejects bad input with typed errors', () => {
    expect(() => bootstrapConfidence([], bleu)).toThrowErrorMatchingInlineSnapshot(`[EmptyInputError: @nlpkit/metrics: statistics must hold at least one item, got none]`);
    expect(() => bootstrapConfidence(stats(good), bleu, { samples: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidNumberError: @nlpkit/metrics: samples must be an integer ≥ 1, got 0]`,
    );
    expect(() => pairedBootstrap(stats(good), stats(good).slice(1), bleu)).toThrowErrorMatchingInlineSnapshot(
      `[LengthMismatchError: @nlpkit/metrics: system must hold 12 segments (as many as baseline), got 11]`,
    );
  });
});
