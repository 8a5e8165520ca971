import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusChrf, formatChrf, sentenceChrf, type ChrfOptions } from './index.js';

interface ChrfEntry {
  kwargs: Record<string, unknown>;
  signature: string;
  corpus: { score: number; str: string };
  segments: { score: number; str: string }[];
}
const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/bleu_chrf_fixture.json', import.meta.url), 'utf8')) as {
  inputs: { hypotheses: string[]; references: string[] };
  chrf: Record<string, ChrfEntry>;
};
const { hypotheses, references } = fixture.inputs;

function options(entry: ChrfEntry): ChrfOptions {
  const version = entry.signature.slice(entry.signature.indexOf('version:') + 8);
  return { wordOrder: entry.kwargs.word_order as number | undefined, signature: { version } };
}

describe('chrF / chrF++ match sacreBLEU 2.6 (bleu_chrf_fixture.json)', () => {
  for (const [key, entry] of Object.entries(fixture.chrf)) {
    it(`${key} corpus`, () => {
      const result = corpusChrf(hypotheses, [references], options(entry));
      expect(Math.abs(result.score - entry.corpus.score)).toBeLessThan(1e-6);
      expect(result.signature).toBe(entry.signature);
      expect(formatChrf(result)).toBe(entry.corpus.str);
    });
    it(`${key} per segment`, () => {
      entry.segments.forEach((segment, i) => {
        const result = sentenceChrf(hypotheses[i] as string, [references[i] as string], options(entry));
        expect(Math.abs(result.score - segment.score), `segment ${i}`).toBeLessThan(1e-6);
        expect(formatChrf(result), `segment ${i}`).toBe(segment.str);
      });
    });
  }
});
