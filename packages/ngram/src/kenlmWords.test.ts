import { readFileSync } from 'node:fs';
import { evaluatePerplexity } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { estimateKneserNey } from './estimateKneserNey.js';
import { kenlmWords } from './kenlmWords.js';
import { readArpa } from './readArpa.js';
import { writeArpa } from './writeArpa.js';

// lmplz -o 3 on a corpus whose words hold U+FEFF, U+00A0, U+3000, U+2003, \v, \f..., and query on a test text,
// written by scripts/golden/ngram/kenlm_unicode.py (KenLM 4cb443e).
interface Fixture {
  order: number;
  train: string;
  counts: number[];
  discounts: [number, number, number][];
  arpa: string;
  test: string;
  query: { sentences: [number, number][]; perplexity: number; perplexityExcludingOov: number; oov: number; tokens: number };
}
const kenlm = JSON.parse(readFileSync(new URL('../test/fixtures/kenlm-unicode.json', import.meta.url), 'utf8')) as Fixture;
/** The lines of a text that ends with a newline (an empty line inside it is kept: a sentence to KenLM). */
const linesOf = (text: string): string[] => text.slice(0, -1).split('\n');

describe('kenlmWords', () => {
  it('splits only at the ASCII bytes each KenLM tool splits at', () => {
    expect(kenlmWords('a\u00a0b  c\td\re')).toEqual(['a\u00a0b', 'c', 'd', 'e']);
    expect(kenlmWords('\ufeffx y\u3000z w\u2003v\u2028u')).toEqual(['\ufeffx', 'y\u3000z', 'w\u2003v\u2028u']);
    expect(kenlmWords(' \t lead and trail \t')).toEqual(['lead', 'and', 'trail']);
    // lmplz keeps \v and \f inside words and splits at NUL; query (C isspace) does the opposite.
    expect(kenlmWords('x\vy\fz\0w')).toEqual(['x\vy\fz', 'w']);
    expect(kenlmWords('x\vy\fz\0w', 'query')).toEqual(['x', 'y', 'z\0w']);
    expect(kenlmWords('')).toEqual([]);
    expect(kenlmWords(' \t ')).toEqual([]);
    expect(kenlmWords('\u00a0')).toEqual(['\u00a0']);
  });

  it('names a bad argument', () => {
    expect(() => kenlmWords(3 as unknown as string)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/ngram: line must be a string, got 3]`);
    expect(() => kenlmWords('a', 'srilm' as 'lmplz')).toThrowErrorMatchingInlineSnapshot(`[UnknownNameError: @nlpkit/ngram: split must be one of lmplz, query, got "srilm"]`);
  });
});

describe('modified Kneser-Ney on words with Unicode spaces against KenLM', () => {
  const sentences = linesOf(kenlm.train).map((line) => kenlmWords(line));

  it(`counts ${kenlm.counts.join('/')} n-grams with lmplz's discounts, and writes lmplz's ARPA file byte for byte`, () => {
    const { model, discounts, warnings } = estimateKneserNey(sentences, { order: kenlm.order });
    expect(warnings).toEqual([]);
    expect(model.counts).toEqual(kenlm.counts);
    expect(discounts.map((d) => [d.d1, d.d2, d.d3].map((x) => Number(x.toPrecision(6))))).toEqual(kenlm.discounts);
    // Byte for byte: same line order, same number formatting, the same float32 arithmetic and glibc's log10f.
    const ours = writeArpa(model);
    const first = ours.split('\n').findIndex((line, i) => line !== kenlm.arpa.split('\n')[i]);
    expect(first === -1 ? undefined : { line: first + 1, ours: ours.split('\n')[first], lmplz: kenlm.arpa.split('\n')[first] }).toBeUndefined();
    expect(ours).toBe(kenlm.arpa);
  });

  it("differs from KenLM's counts when words are split at JavaScript's \\s (the test can fail)", () => {
    const jsSplit = linesOf(kenlm.train).map((line) => line.split(/\s+/).filter((w) => w !== ''));
    expect(estimateKneserNey(jsSplit, { order: kenlm.order, onWarning: () => {} }).model.counts).not.toEqual(kenlm.counts);
  });

  it("scores the test text as KenLM's query does (its split: \\v and \\f separate words)", () => {
    const model = readArpa(kenlm.arpa);
    const test = linesOf(kenlm.test).map((line) => kenlmWords(line, 'query'));
    expect(test.map((s) => Number(model.scoreSentence(s).log10Prob.toFixed(4)))).toEqual(kenlm.query.sentences.map(([t]) => Number(t.toFixed(4))));
    expect(test.map((s) => model.scoreSentence(s).oov)).toEqual(kenlm.query.sentences.map(([, oov]) => oov));
    const result = evaluatePerplexity(model, test);
    expect(result.tokens).toBe(kenlm.query.tokens);
    expect(result.oov).toBe(kenlm.query.oov);
    expect(result.perplexity).toBeCloseTo(kenlm.query.perplexity, 4);
    expect(result.perplexityExcludingOov).toBeCloseTo(kenlm.query.perplexityExcludingOov, 4);
  });
});
