import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelSpec, specArpa } from '../test/randomModels.js';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { ArpaFormatError } from './errors.js';
import { kenlmWords } from './kenlmWords.js';
import { readArpa, readArpaLines } from './readArpa.js';
import { byteNumber, bytesSource, readSuffixOrderedArpa } from './suffixOrderedArpa.js';
import { writeArpa } from './writeArpa.js';

const kenlm = JSON.parse(readFileSync(new URL('../test/fixtures/kenlm-unicode.json', import.meta.url), 'utf8')) as { arpa: string; test: string };

function fast(text: string): BackoffLanguageModel | undefined {
  const bytes = new TextEncoder().encode(text);
  return readSuffixOrderedArpa(bytesSource(bytes), bytes.length);
}

/** Every score of `a` and `b` on the sentences, bit for bit, with the n-gram lengths. */
function sameScores(a: BackoffLanguageModel, b: BackoffLanguageModel, sentences: readonly string[][]): void {
  for (const s of sentences) {
    expect(a.scoreSentence(s)).toEqual(b.scoreSentence(s));
    expect(a.scoreSentence(s, { perToken: true }).perToken).toEqual(b.scoreSentence(s, { perToken: true }).perToken);
  }
}

describe('readSuffixOrderedArpa (the fast ARPA path)', () => {
  it("reads lmplz's ARPA as the general reader does: same values, same scores, writes back byte for byte", () => {
    const model = fast(kenlm.arpa);
    expect(model?.data.suffixLevels).toBeDefined();
    const general = readArpaLines(kenlm.arpa.split('\n'));
    expect(general.data.suffixLevels).toBeUndefined();
    expect(model!.data.log10Probs).toEqual(general.data.log10Probs);
    expect(model!.data.log10Backoffs).toEqual(general.data.log10Backoffs);
    expect(model!.data.wordIndex.words()).toEqual(general.data.wordIndex.words());
    const test = kenlm.test.split('\n').map((line) => kenlmWords(line, 'query'));
    sameScores(model!, general, test);
    // The forward view (prefix ids) built on demand serves the writer.
    expect(writeArpa(model!)).toBe(kenlm.arpa);
  });

  it('readArpa takes it for text in suffix order, and the general reader for anything else', () => {
    expect(readArpa(kenlm.arpa).data.suffixLevels).toBeDefined();
    // Two 2-gram lines swapped: out of suffix order.
    const lines = kenlm.arpa.split('\n');
    const at = lines.indexOf('\\2-grams:') + 1;
    [lines[at], lines[at + 1]] = [lines[at + 1]!, lines[at]!];
    const swapped = lines.join('\n');
    expect(fast(swapped)).toBeUndefined();
    const model = readArpa(swapped);
    expect(model.data.suffixLevels).toBeUndefined();
    const test = kenlm.test.split('\n').map((line) => kenlmWords(line, 'query'));
    sameScores(model, readArpa(kenlm.arpa), test);
  });

  it('leaves files with a missing prefix, -inf, a missing <unk> or a duplicate to the general reader', () => {
    const base = ['\\data\\', 'ngram 1=4', 'ngram 2=2', '', '\\1-grams:', '-1\t<unk>\t0', '0\t<s>\t-0.5', '-1\t</s>\t0', '-0.5\ta\t-0.25', '', '\\2-grams:'];
    const end = ['', '\\end\\', ''];
    const text = (bigrams: string[], header = base): string => [...header, ...bigrams, ...end].join('\n');
    expect(fast(text(['-0.2\ta </s>', '-0.3\t<s> a']))?.data.suffixLevels).toBeDefined();
    expect(fast(text(['-0.2\ta </s>', '-inf\t<s> a']))).toBeUndefined();
    expect(fast(text(['-0.3\t<s> a', '-0.3\t<s> a']))).toBeUndefined();
    expect(fast(text(['-0.2\ta </s>', '-0.3\t<s> a'], base.filter((l) => !l.includes('<unk>')).map((l) => l.replace('ngram 1=4', 'ngram 1=3'))))).toBeUndefined();
    const trigrams = ['\\data\\', 'ngram 1=4', 'ngram 2=1', 'ngram 3=1', '', '\\1-grams:', '-1\t<unk>\t0', '0\t<s>\t-0.5', '-1\t</s>\t0', '-0.5\ta\t-0.25', '', '\\2-grams:', '-0.2\ta </s>\t-0.1', '', '\\3-grams:', '-0.1\t<s> a </s>', ...end].join('\n');
    // <s> a, the prefix of <s> a </s>, is missing: the general reader inserts it (and warns).
    expect(fast(trigrams)).toBeUndefined();
    const warnings: string[] = [];
    expect(readArpa(trigrams, { onWarning: (w) => warnings.push(w.code) }).data.suffixLevels).toBeUndefined();
    expect(warnings).toEqual(['missing-prefix']);
  });

  it('stops at a line over 1 MiB and leaves it to the general reader, which names it', () => {
    const long = 'x'.repeat((1 << 20) + 10);
    const inSection = kenlm.arpa.replace('\\2-grams:\n', `\\2-grams:\n${long}\n`);
    expect(fast(inSection)).toBeUndefined();
    expect(() => readArpa(inSection)).toThrow(ArpaFormatError);
    const afterEnd = `${kenlm.arpa}${long}\n`;
    expect(fast(afterEnd)).toBeUndefined();
    expect(() => readArpa(afterEnd)).toThrow(ArpaFormatError);
  });

  it('agrees with the general reader on random models written by writeArpa', () => {
    fc.assert(
      fc.property(modelSpec, (spec) => {
        const text = writeArpa(readArpaLines(specArpa(spec).split('\n')));
        const general = readArpaLines(text.split('\n'));
        const model = fast(text);
        if (model === undefined) return; // -inf somewhere: the general reader's
        expect(model.data.log10Probs).toEqual(general.data.log10Probs);
        expect(model.data.log10Backoffs).toEqual(general.data.log10Backoffs);
        const words = general.data.wordIndex.words().slice(3);
        const sentences = [words, [...words].reverse(), words.slice(1), ['<unk>', ...words, 'zzz']];
        sameScores(model, general, sentences);
        expect(writeArpa(model)).toBe(text);
      }),
      { numRuns: 500, seed: 111 },
    );
  });

  it('byteNumber gives what Number gives (then float32), or NaN for what it leaves to the general parser', () => {
    const decimal = fc.tuple(
      fc.constantFrom('', '-', '+'),
      fc.stringMatching(/^\d{0,10}$/),
      fc.constantFrom('', '.'),
      fc.stringMatching(/^\d{0,9}$/),
      fc.constantFrom('', 'e', 'E-', 'e+'),
      fc.stringMatching(/^\d{0,2}$/),
    ).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(decimal, fc.float().map(String), fc.double().map(String)), (text) => {
        const bytes = new TextEncoder().encode(text);
        const got = byteNumber(bytes, 0, bytes.length);
        if (Number.isNaN(got)) return;
        expect(Object.is(Math.fround(got), Math.fround(Number(text)))).toBe(true);
        expect(Object.is(got, Number(text))).toBe(true);
      }),
      { numRuns: 20_000, seed: 7 },
    );
    const three = new TextEncoder().encode('-0.3010299956639812');
    expect(byteNumber(three, 0, three.length)).toBe(-0.3010299956639812);
    for (const odd of ['-inf', 'nan', '1e999', '', '-', '.', 'e5', '0x10', '1_0']) {
      const bytes = new TextEncoder().encode(odd);
      expect(byteNumber(bytes, 0, bytes.length)).toBeNaN();
    }
  });
});
