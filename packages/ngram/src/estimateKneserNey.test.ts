import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@nlpkit/core';
import { naiveKneserNey } from '../test/naiveKneserNey.js';
import { countNgrams } from './countNgrams.js';
import { zeroGammaCases } from '../test/zeroGammaCases.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import type { NgramWarning } from './kneserNeyDiscounts.js';
import { writeArpa } from './writeArpa.js';

const corpus = fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 6 }), {
  minLength: 1,
  maxLength: 8,
});
const FIXED = { d1: 0.5, d2: 1, d3: 1.5 };

describe('estimateKneserNey', () => {
  it('equals a from-the-definition modified Kneser-Ney on random corpora (orders 1-4)', () => {
    fc.assert(
      fc.property(corpus, fc.integer({ min: 1, max: 4 }), corpus, (train, order, test) => {
        const discounts = Array.from({ length: order }, () => FIXED);
        const { model } = estimateKneserNey(train, { order, discounts });
        const reference = naiveKneserNey(train, order, discounts);
        for (const sentence of test) {
          const words = [...sentence, '</s>'];
          for (let i = 0; i < words.length; i++) {
            const expected = reference(words[i]!, sentence.slice(0, i));
            const actual = 10 ** model.log10Prob(words[i]!, sentence.slice(0, i));
            expect(actual).toBeCloseTo(expected, 5);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('is a normalized distribution after every context', () => {
    // The example: order-2 discounts 0.75/0.875/0 make gamma(a) 0 — all of a's mass stays on "a b" (backoff -inf).
    const zeroGamma = [['d', 'e', 'a', 'b'], ['b'], ['a', 'b', 'b', 'b'], ['e', 'd', 'a', 'b'], ['d', 'd', 'c', 'b'], ['c']];
    fc.assert(
      fc.property(corpus, fc.integer({ min: 1, max: 5 }), fc.array(fc.constantFrom('a', 'b', 'c', 'z')), (train, order, context) => {
        const { model } = estimateKneserNey(train, { order });
        const sum = model.nextWordDistribution(context).reduce((s, p) => s + p, 0);
        expect(sum).toBeCloseTo(1, 5);
      }),
      { numRuns: 100, examples: [[zeroGamma, 3, ['a']]] },
    );
  });

  it("writes lmplz's ARPA where a context's gamma is 0 (backoff -inf; KenLM fixture, --discount_fallback)", () => {
    for (const { name, order, sentences, arpa } of zeroGammaCases()) {
      const { model } = estimateKneserNey(sentences, { order });
      expect(writeArpa(model), name).toBe(arpa);
      expect(arpa, name).toMatch(/\t-inf\n/);
    }
  });

  it('gives adjusted counts from left contexts, raw counts at the top order and after <s>', () => {
    // "a b" twice and "c b": unigram b has 2 distinct left words (a, c) although it occurs 3 times.
    const result = estimateKneserNey([['a', 'b'], ['a', 'b'], ['c', 'b']], { order: 2, discounts: [FIXED, FIXED] });
    // Unigram adjusted counts: a 1 (<s>), b 2 (a, c), c 1, </s> 1 (b) → n1 = 3, n2 = 1.
    expect(result.countsOfCounts[0]).toEqual([3, 1, 0, 0]);
    // Bigrams keep raw counts: <s> a 2, a b 2, <s> c 1, c b 1, b </s> 3.
    expect(result.countsOfCounts[1]).toEqual([2, 2, 1, 0]);
    // p(b | a) = (2 - 1) / 2 + gamma(a) p(b), gamma(a) = 1/2; p(b) = (2 - 1)/5 + (3·0.5 + 1)/5 · 1/5.
    const pb = 1 / 5 + (2.5 / 5) * (1 / 5);
    expect(10 ** result.model.log10Prob('b', ['a'])).toBeCloseTo(0.5 + 0.5 * pb, 6);
    expect(result.model.score('b', ['a']).ngramLength).toBe(2);
    expect(result.model.score('a', ['b']).ngramLength).toBe(1);
  });

  it('falls back to 0.5/1/1.5 on toy data and says which order and why', () => {
    const seen: NgramWarning[] = [];
    const result = estimateKneserNey([['a', 'b', 'c']], { order: 3, onWarning: (w) => seen.push(w) });
    expect(result.warnings).toEqual(seen);
    expect(seen.map((w) => w.order)).toEqual([1, 2, 3]);
    expect(seen[2]!.message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: cannot compute Kneser-Ney discounts for order 3: no 3-grams have adjusted count 2, so D2 is undefined (small or artificial data?); using fallback discounts D1=0.5 D2=1 D3+=1.5"`,
    );
    expect(result.discounts[2]).toEqual({ d1: 0.5, d2: 1, d3: 1.5 });
    expect(Number.isFinite(result.model.log10Prob('c', ['a', 'b']))).toBe(true);
  });

  it('refuses misshapen discounts before any work, naming the argument, what it expects and what it found', () => {
    const train = [['a', 'b', 'c']];
    const bad = (options: object): unknown => {
      try {
        estimateKneserNey(train, { order: 3, ...options });
      } catch (error) {
        return error;
      }
      return undefined;
    };
    // An array where an object belongs gave NaN discounts, and -inf for every probability.
    expect(String(bad({ discountFallback: [0.5, 1, 1.5] }))).toMatch(/options\.discountFallback must be an object/);
    expect(String(bad({ discountFallback: { d1: 0.5, d2: 1 } }))).toMatch(/options\.discountFallback\.d3 must be a number from 0 to 3, got undefined/);
    expect(String(bad({ discountFallback: { d1: 1.5, d2: 1, d3: 1.5 } }))).toMatch(/options\.discountFallback\.d1 must be a number from 0 to 1, got 1\.5/);
    expect(String(bad({ discountFallback: { d1: 0.5, d2: 1, d3: 1.5, d4: 2 } }))).toMatch(/options\.discountFallback\.d4/);
    expect(String(bad({ discounts: FIXED }))).toMatch(/options\.discounts must be an array/);
    expect(String(bad({ discounts: [undefined, { d1: 0.5, d2: Number.NaN, d3: 1 }] }))).toMatch(/options\.discounts\[1\]\.d2 must be a number/);
    for (const error of [bad({ discountFallback: [0.5, 1, 1.5] }), bad({ discounts: [FIXED, 3] })]) expect(error).toBeInstanceOf(InvalidArgumentError);
    // Orders left undefined are estimated; the bounds themselves are allowed.
    expect(bad({ discounts: [undefined, { d1: 1, d2: 2, d3: 3 }], discountFallback: { d1: 0, d2: 0, d3: 0 } })).toBeUndefined();
  });

  it('scores an unseen word as <unk> with only interpolated mass', () => {
    const { model } = estimateKneserNey([['a', 'b'], ['b', 'a']], { order: 2, discounts: [FIXED, FIXED] });
    const unk = model.score('zzz', ['a']);
    expect(unk.oov).toBe(true);
    expect(unk.log10Prob).toBe(model.log10Prob('<unk>', ['a']));
    expect(model.data.log10Probs[0]![1]).toBe(0); // <s>: probability 1, as lmplz writes it
  });

  it('estimates lower orders from higher-order counts exactly as from fresh counts', () => {
    const train = [['a', 'b', 'c', 'a'], ['b', 'c'], ['a', 'a', 'b'], ['c', 'b', 'a', 'b', 'c']];
    const counts = countNgrams(train, { order: 4 });
    const fromHigh = estimateKneserNey(counts, { order: 2 }).model;
    const fresh = estimateKneserNey(train, { order: 2 }).model;
    expect(Array.from(fromHigh.data.log10Probs[1]!)).toEqual(Array.from(fresh.data.log10Probs[1]!));
    expect(Array.from(fromHigh.data.log10Backoffs[0]!)).toEqual(Array.from(fresh.data.log10Backoffs[0]!));
  });

  it('prunes n-grams at or below the count threshold and stays normalized', () => {
    const train = [['a', 'b', 'c', 'a'], ['b', 'c'], ['a', 'a', 'b'], ['c', 'b', 'a', 'b', 'c'], ['a', 'b']];
    const full = estimateKneserNey(train, { order: 3 }).model;
    const pruned = estimateKneserNey(train, { order: 3, prune: [0, 1, 1] }).model;
    expect(pruned.counts[0]).toBe(full.counts[0]);
    expect(pruned.counts[2]!).toBeLessThan(full.counts[2]!);
    const sum = pruned.nextWordDistribution(['a', 'b']).reduce((s, p) => s + p, 0);
    expect(sum).toBeCloseTo(1, 5);
  });
});
