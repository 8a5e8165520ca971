import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusBleu, corpusChrf, sentenceBleu, sentenceChrf, tokenizeBleu, type BleuOptions, type ChrfOptions } from './index.js';

// Made by scripts/golden/metrics/make_sacrebleu_fixture.py with sacreBLEU 2.6.0's own code: non-ASCII text,
// two and a variable number of references, every tokenizer, other orders and smoothing values, chrF variants.
const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/sacrebleu_extra_fixture.json', import.meta.url), 'utf8')) as {
  inputs: { hypotheses: string[]; references: (string | null)[][] };
  tokenized: Record<'13a' | 'intl' | 'char' | 'zh' | 'lines', string[]>;
  corpus_bleu: Record<string, { score: number; counts: number[]; totals: number[]; sys_len: number; ref_len: number; signature: string; kwargs: Record<string, unknown>; streams: number[] }>;
  sentence_bleu: Record<string, { kwargs: Record<string, unknown>; signature: string; segments: { score: number; counts: number[]; totals: number[] }[] }>;
  chrf: Record<string, { kwargs: Record<string, unknown>; signature: string; corpus: number; name: string; segments: number[] }>;
};
const { hypotheses, references } = fixture.inputs;
const TOL = 1e-6;

function bleuOptions(kwargs: Record<string, unknown>): BleuOptions {
  return {
    tokenize: kwargs.tokenize as BleuOptions['tokenize'],
    lowercase: kwargs.lowercase as boolean | undefined,
    smoothMethod: kwargs.smooth_method as BleuOptions['smoothMethod'],
    smoothValue: kwargs.smooth_value as number | undefined,
    maxNgramOrder: kwargs.max_ngram_order as number | undefined,
    effectiveOrder: kwargs.effective_order as boolean | undefined,
  };
}
function chrfOptions(kwargs: Record<string, unknown>): ChrfOptions {
  return {
    charOrder: kwargs.char_order as number | undefined,
    wordOrder: kwargs.word_order as number | undefined,
    beta: kwargs.beta as number | undefined,
    lowercase: kwargs.lowercase as boolean | undefined,
    whitespace: kwargs.whitespace as boolean | undefined,
    epsSmoothing: kwargs.eps_smoothing as boolean | undefined,
  };
}

describe('BLEU tokenizers give sacreBLEU strings on non-ASCII text', () => {
  for (const tok of ['13a', 'intl', 'char', 'zh'] as const) {
    it(tok, () => {
      fixture.tokenized.lines.forEach((line, i) => expect(tokenizeBleu(line, tok), line).toBe(fixture.tokenized[tok][i]));
    });
  }
});

describe('corpusBleu matches sacreBLEU beyond the shared fixture', () => {
  for (const [key, want] of Object.entries(fixture.corpus_bleu)) {
    it(key, () => {
      const refs = want.streams.map((k) => references[k] as (string | null)[]);
      const result = corpusBleu(hypotheses, refs, bleuOptions(want.kwargs));
      expect(Math.abs(result.score - want.score)).toBeLessThan(TOL);
      expect(result.counts).toEqual(want.counts);
      expect(result.totals).toEqual(want.totals);
      expect([result.sysLen, result.refLen]).toEqual([want.sys_len, want.ref_len]);
      expect(result.signature).toBe(want.signature);
    });
  }
});

describe('sentenceBleu with two references matches sacreBLEU', () => {
  for (const [key, want] of Object.entries(fixture.sentence_bleu)) {
    it(key, () => {
      want.segments.forEach((seg, i) => {
        const refs = [references[0]?.[i], references[1]?.[i]] as string[];
        const result = sentenceBleu(hypotheses[i] as string, refs, bleuOptions(want.kwargs));
        expect(Math.abs(result.score - seg.score), `segment ${i}`).toBeLessThan(TOL);
        expect(result.counts, `segment ${i}`).toEqual(seg.counts);
        expect(result.signature).toBe(want.signature);
      });
    });
  }
});

describe('chrF variants match sacreBLEU (two references)', () => {
  for (const [key, want] of Object.entries(fixture.chrf)) {
    it(key, () => {
      const options = chrfOptions(want.kwargs);
      const corpus = corpusChrf(hypotheses, references.slice(0, 2), options);
      expect(Math.abs(corpus.score - want.corpus)).toBeLessThan(TOL);
      expect(corpus.name).toBe(want.name);
      expect(corpus.signature).toBe(want.signature);
      want.segments.forEach((score, i) => {
        const refs = [references[0]?.[i], references[1]?.[i]] as string[];
        expect(Math.abs(sentenceChrf(hypotheses[i] as string, refs, options).score - score), `segment ${i}`).toBeLessThan(TOL);
      });
    });
  }
});
