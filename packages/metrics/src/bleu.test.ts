import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusBleu, formatBleu, sentenceBleu, type BleuOptions } from './index.js';

interface BleuEntry {
  score: number;
  counts: number[];
  totals: number[];
  precisions: number[];
  bp: number;
  sys_len: number;
  ref_len: number;
  str: string;
  kwargs: Record<string, unknown>;
  signature: string;
}
interface Fixture {
  inputs: { hypotheses: string[]; references: string[] };
  corpus_bleu: Record<string, BleuEntry>;
  sentence_bleu: Record<string, { kwargs: Record<string, unknown>; signature: string; segments: Omit<BleuEntry, 'kwargs' | 'signature'>[] }>;
}

const fixture = JSON.parse(
  readFileSync(new URL('../test/fixtures/bleu_chrf_fixture.json', import.meta.url), 'utf8'),
) as Fixture;
const { hypotheses, references } = fixture.inputs;

/** Maps sacreBLEU keyword arguments to ours. */
function options(kwargs: Record<string, unknown>, version: string): BleuOptions {
  return {
    tokenize: kwargs.tokenize as BleuOptions['tokenize'],
    lowercase: kwargs.lowercase as boolean | undefined,
    smoothMethod: kwargs.smooth_method as BleuOptions['smoothMethod'],
    smoothValue: kwargs.smooth_value as number | undefined,
    effectiveOrder: kwargs.effective_order as boolean | undefined,
    signature: { version },
  };
}
const versionOf = (signature: string): string => signature.slice(signature.indexOf('version:') + 8);

describe('corpusBleu matches sacreBLEU 2.6 (bleu_chrf_fixture.json)', () => {
  for (const [key, expected] of Object.entries(fixture.corpus_bleu)) {
    it(key, () => {
      const result = corpusBleu(hypotheses, [references], options(expected.kwargs, versionOf(expected.signature)));
      expect(Math.abs(result.score - expected.score)).toBeLessThan(1e-6);
      expect(result.counts).toEqual(expected.counts);
      expect(result.totals).toEqual(expected.totals);
      result.precisions.forEach((p, i) => expect(p).toBeCloseTo(expected.precisions[i] as number, 9));
      expect(result.bp).toBeCloseTo(expected.bp, 12);
      expect(result.sysLen).toBe(expected.sys_len);
      expect(result.refLen).toBe(expected.ref_len);
      expect(result.signature).toBe(expected.signature);
      expect(formatBleu(result)).toBe(expected.str);
    });
  }
});

describe('sentenceBleu matches sacreBLEU 2.6 per segment (effective order)', () => {
  for (const [key, expected] of Object.entries(fixture.sentence_bleu)) {
    it(key, () => {
      expected.segments.forEach((segment, i) => {
        const result = sentenceBleu(hypotheses[i] as string, [references[i] as string], options(expected.kwargs, versionOf(expected.signature)));
        expect(Math.abs(result.score - segment.score), `segment ${i}`).toBeLessThan(1e-6);
        expect(result.counts, `segment ${i}`).toEqual(segment.counts);
        expect(result.totals, `segment ${i}`).toEqual(segment.totals);
        expect(result.signature).toBe(expected.signature);
        expect(formatBleu(result), `segment ${i}`).toBe(segment.str);
      });
    });
  }
});
