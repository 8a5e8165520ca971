import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluatePerplexity } from '@nlpkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPtb, ptb } from '../test/ptbData.js';
import { writeArpaFile, writeArpaFileSync } from './arpaFile.js';
import { countNgrams, type NgramCounts } from './countNgrams.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { readArpa } from './readArpa.js';
import { writeArpa } from './writeArpa.js';

// KenLM's own figures on PTB (<unk> renamed UNK), written by scripts/golden/ngram/kenlm_ptb.py: lmplz -o N, then
// query on the test split. Perplexities are as query prints them (full double precision).
interface KenlmOrder {
  counts: number[];
  /** SHA-256 of the ARPA file lmplz wrote. */
  arpaSha256: string;
  discounts: [number, number, number][];
  test: { perplexity: number; perplexityExcludingOov: number; oov: number; tokens: number };
}
const kenlm = JSON.parse(readFileSync(new URL('../test/fixtures/kenlm-ptb.json', import.meta.url), 'utf8')) as { orders: Record<string, KenlmOrder> };
const KENLM = (order: number): KenlmOrder => kenlm.orders[String(order)]!;
// KenLM sums float32 log-probabilities; we differ from its perplexities by < 1e-5.
const TOLERANCE = 1e-4;

describe('modified Kneser-Ney on PTB against KenLM, scored by core evaluatePerplexity', ptb.options, () => {
  let counts: NgramCounts;
  let test: string[][];
  beforeAll(() => {
    // Counted once at order 5; every lower order is estimated from the same counts.
    counts = countNgrams(loadPtb('train'), { order: 5 });
    test = loadPtb('test');
  });

  it(`counts ${KENLM(5).test.tokens} test tokens with </s> and no OOV, as KenLM`, () => {
    const result = evaluatePerplexity(estimateKneserNey(counts, { order: 1 }).model, test);
    expect(result.tokens).toBe(KENLM(5).test.tokens);
    expect(result.oov).toBe(KENLM(5).test.oov);
  });

  for (const order of [2, 3, 4, 5] as const) {
    it(`order ${order}: counts, discounts and test perplexity ${KENLM(order).test.perplexity.toFixed(4)} equal KenLM`, async () => {
      const { model, discounts, warnings } = estimateKneserNey(counts, { order });
      expect(warnings).toEqual([]);
      expect(model.counts).toEqual(KENLM(order).counts);
      // lmplz prints discounts with 6 significant digits (C++ stream default).
      expect(discounts.map((d) => [d.d1, d.d2, d.d3].map((x) => Number(x.toPrecision(6))))).toEqual(KENLM(order).discounts);
      const result = evaluatePerplexity(model, test);
      expect(Math.abs(result.perplexity - KENLM(order).test.perplexity)).toBeLessThanOrEqual(TOLERANCE);
      expect(Math.abs(result.perplexityExcludingOov - KENLM(order).test.perplexityExcludingOov)).toBeLessThanOrEqual(TOLERANCE);
      if (order > 3) return;
      // Byte for byte the ARPA file lmplz writes (orders 4 and 5 too, checked offline: writing them here is slow).
      const text = writeArpa(model);
      expect(createHash('sha256').update(text).digest('hex')).toBe(KENLM(order).arpaSha256);
      if (order === 3) {
        // The file writers format into two reused 4 MiB buffers (the text is ~25 MB: many blocks): the same bytes.
        const dir = mkdtempSync(join(tmpdir(), 'nlpkit-ptb-arpa-'));
        try {
          const path = join(dir, 'ptb3.arpa');
          await writeArpaFile(model, path);
          expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(KENLM(order).arpaSha256);
          writeArpaFileSync(model, path);
          expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(KENLM(order).arpaSha256);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        // ARPA write → read keeps every stored number, so the reread model scores the test set identically.
        const reread = readArpa(text);
        expect(reread.counts).toEqual(model.counts);
        expect(evaluatePerplexity(reread, test).log10Prob).toBe(result.log10Prob);
      }
    });
  }
});
