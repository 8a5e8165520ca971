import { evaluatePerplexity } from '@nlpkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertSharedData, hasPtb, loadPtb } from '../test/ptbData.js';
import { countNgrams, type NgramCounts } from './countNgrams.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { readArpa } from './readArpa.js';
import { writeArpa } from './writeArpa.js';

assertSharedData();

// KenLM lmplz on PTB (<unk> renamed UNK), as quoted in issue 3.
const KENLM_PERPLEXITY: Record<number, number> = { 2: 185.7, 3: 148.28, 4: 142.72, 5: 141.19 };
const KENLM_COUNTS_5 = [10002, 264990, 586558, 717733, 737952];
const KENLM_DISCOUNTS_5 = [
  ['0.25656', '0.82888', '1.26492'],
  ['0.727802', '1.09876', '1.4713'],
  ['0.868879', '1.25462', '1.44822'],
  ['0.942828', '1.38314', '1.43173'],
  ['0.959671', '1.3879', '1.24171'],
];

describe.skipIf(!hasPtb)('modified Kneser-Ney on PTB against KenLM, scored by core evaluatePerplexity (skipped: ../shared/data/ptb missing)', () => {
  let counts: NgramCounts;
  let test: string[][];
  beforeAll(() => {
    // Counted once at order 5; every lower order is estimated from the same counts.
    counts = countNgrams(loadPtb('train'), { order: 5 });
    test = loadPtb('test');
  });

  it('counts 82,430 test tokens with </s> and no OOV', () => {
    const result = evaluatePerplexity(estimateKneserNey(counts, { order: 1 }).model, test);
    expect(result.tokens).toBe(82430);
    expect(result.oov).toBe(0);
  });

  for (const order of [2, 3, 4] as const) {
    it(`order ${order}: test perplexity ${KENLM_PERPLEXITY[order]} ± 0.01`, () => {
      const { model, warnings } = estimateKneserNey(counts, { order });
      expect(warnings).toEqual([]);
      const result = evaluatePerplexity(model, test);
      expect(Math.abs(result.perplexity - KENLM_PERPLEXITY[order]!)).toBeLessThanOrEqual(0.01);
      if (order === 3) {
        // ARPA write → read keeps every stored number, so the reread model scores the test set identically.
        const reread = readArpa(writeArpa(model));
        expect(reread.counts).toEqual(model.counts);
        expect(evaluatePerplexity(reread, test).log10Prob).toBe(result.log10Prob);
      }
    });
  }

  it('order 5: perplexity, header counts and discounts equal KenLM', () => {
    const { model, discounts, warnings } = estimateKneserNey(counts, { order: 5 });
    expect(warnings).toEqual([]);
    expect(model.counts).toEqual(KENLM_COUNTS_5);
    // KenLM prints discounts with 6 significant digits (C++ stream default).
    const printed = discounts.map((d) => [d.d1, d.d2, d.d3].map((x) => String(Number(x.toPrecision(6)))));
    expect(printed).toEqual(KENLM_DISCOUNTS_5);
    const result = evaluatePerplexity(model, test);
    expect(Math.abs(result.perplexity - KENLM_PERPLEXITY[5]!)).toBeLessThanOrEqual(0.01);
    expect(result.perplexityExcludingOov).toBe(result.perplexity);
  });
});
