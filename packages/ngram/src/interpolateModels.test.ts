import { describe, expect, it } from 'vitest';
import { estimateKneserNey } from './estimateKneserNey.js';
import { evaluatePerplexity } from './evaluatePerplexity.js';
import { interpolateModels, tuneInterpolationWeights } from './interpolateModels.js';
import { mulberry32 } from './generateText.js';
import { wittenBell } from './wittenBell.js';

function corpus(sentences: number, seed: number, words: number): string[][] {
  const random = mulberry32(seed);
  return Array.from({ length: sentences }, () =>
    Array.from({ length: 2 + Math.floor(random() * 8) }, () => `w${Math.floor(random() * random() * words)}`),
  );
}

describe('interpolation', () => {
  const trainA = corpus(400, 1, 40);
  const trainB = corpus(400, 2, 80);
  const a = estimateKneserNey(trainA, { order: 3 }).model;
  const b = wittenBell(trainB.concat(trainA.slice(0, 5)), { order: 2 }).toBackoffModel();
  const heldOut = corpus(60, 3, 40);

  it('EM weights reach at least the held-out likelihood of every weight grid point', () => {
    const fit = tuneInterpolationWeights([a, b], heldOut);
    expect(fit.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    for (let step = 0; step <= 20; step++) {
      const w = step / 20;
      const grid = evaluatePerplexity(interpolateModels([a, b], [w, 1 - w]), heldOut).perplexity;
      expect(fit.perplexity).toBeLessThanOrEqual(grid + 1e-6);
    }
    // The reported perplexity is the one of the interpolated model (natural-log EM vs log10 scoring agree).
    const check = evaluatePerplexity(interpolateModels([a, b], fit.weights), heldOut).perplexity;
    expect(fit.perplexity).toBeCloseTo(check, 6);
  });

  it('with weight 1 on one model is that model', () => {
    const m = interpolateModels([a, b], [1, 0]);
    expect(m.logProb('w1', ['w2'])).toBeCloseTo(a.logProb('w1', ['w2']), 12);
    expect(() => interpolateModels([a, b], [0.5, 0.6])).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: @nlpkit/ngram: weights must sum to 1, got 1.1]`,
    );
  });
});
