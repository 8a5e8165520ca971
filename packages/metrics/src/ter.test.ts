import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusTer, formatTer, sentenceTer, translationEditRate, type TerOptions } from './index.js';

const words = (s: string): string[] => s.split(' ').filter((w) => w !== '');

describe('translationEditRate: hand-checked cases', () => {
  it('identical sentences need no edit', () => {
    expect(translationEditRate(words('the cat sat on the mat'), words('the cat sat on the mat'))).toEqual({ edits: 0, refLength: 6 });
  });
  it('one substitution, one insertion, one deletion each cost 1', () => {
    expect(translationEditRate(words('the dog sat'), words('the cat sat')).edits).toBe(1);
    expect(translationEditRate(words('the cat sat'), words('the big cat sat')).edits).toBe(1);
    expect(translationEditRate(words('the big cat sat'), words('the cat sat')).edits).toBe(1);
  });
  it('moving a block is one shift, where plain edit distance would need two edits per word', () => {
    // "now" moved from the end to the front: Levenshtein needs 2 (delete + insert), TER one shift.
    expect(translationEditRate(words('we have to go home now'), words('now we have to go home')).edits).toBe(1);
    // A three-word block moved as a whole is still a single shift.
    expect(translationEditRate(words('sat on the mat the cat'), words('the cat sat on the mat')).edits).toBe(1);
  });
  it("takes tokens as strings or as text's Tokens (their text is compared)", () => {
    const tokens = (s: string) => {
      let at = 0;
      return words(s).map((text) => {
        const start = s.indexOf(text, at);
        at = start + text.length;
        return { text, start, end: at };
      });
    };
    expect(translationEditRate(tokens('now we go'), words('we go now'))).toEqual({ edits: 1, refLength: 3 });
    expect(translationEditRate(tokens('sat on the mat the cat'), tokens('the cat sat on the mat'))).toEqual({ edits: 1, refLength: 6 });
    expect(() => translationEditRate([{ start: 0, end: 1 }] as never, ['a'])).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: hypothesis[0] must be a string or a Token, got an object]`);
  });
  it('an empty reference counts every hypothesis word as an edit, with length 0', () => {
    expect(translationEditRate(words('a b c'), [])).toEqual({ edits: 3, refLength: 0 });
    expect(translationEditRate([], words('a b'))).toEqual({ edits: 2, refLength: 2 });
  });
  it('TER is a rate over the reference length, in percent', () => {
    // 1 edit over 6 reference words.
    expect(sentenceTer('the dog sat on the mat', ['the cat sat on the mat']).score).toBeCloseTo(100 / 6, 12);
    // An empty reference with a non-empty hypothesis scores 100, and both empty score 0.
    expect(sentenceTer('something', ['']).score).toBe(100);
    expect(sentenceTer('', ['']).score).toBe(0);
  });
  it('is case-insensitive by default and reports sacreBLEU\'s signature', () => {
    const result = sentenceTer('The Cat', ['the cat']);
    expect(result.score).toBe(0);
    expect(result.signature).toBe('nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0');
    expect(formatTer(result)).toBe('TER = 0.00');
    expect(sentenceTer('The Cat', ['the cat'], { caseSensitive: true }).score).toBe(100);
  });
});

// Made by scripts/golden/metrics/make_sacrebleu_fixture.py with sacreBLEU 2.6.0's own TER code.
const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/sacrebleu_extra_fixture.json', import.meta.url), 'utf8')) as {
  ter_inputs: { hypotheses: string[]; references: string[][]; random_hypotheses: string[]; random_references: string[] };
  ter: Record<string, { kwargs: Record<string, boolean>; signature: string; corpus_1ref: Stats; corpus_2refs: Stats; segments_2refs: Stats[] }>;
  ter_random_edits: [number, number][];
};
interface Stats {
  score: number;
  num_edits: number;
  ref_length: number;
}
const { hypotheses, references } = fixture.ter_inputs;
const options = (kwargs: Record<string, boolean>): TerOptions => ({
  normalized: kwargs.normalized,
  noPunct: kwargs.no_punct,
  caseSensitive: kwargs.case_sensitive,
  asianSupport: kwargs.asian_support,
});

describe('TER matches sacreBLEU 2.6 (sacrebleu_extra_fixture.json)', () => {
  for (const [key, want] of Object.entries(fixture.ter)) {
    it(key, () => {
      const one = corpusTer(hypotheses, references.slice(0, 1), options(want.kwargs));
      expect(Math.abs(one.score - want.corpus_1ref.score)).toBeLessThan(1e-6);
      expect([one.numEdits, one.refLength]).toEqual([want.corpus_1ref.num_edits, want.corpus_1ref.ref_length]);
      const two = corpusTer(hypotheses, references, options(want.kwargs));
      expect(Math.abs(two.score - want.corpus_2refs.score)).toBeLessThan(1e-6);
      expect([two.numEdits, two.refLength]).toEqual([want.corpus_2refs.num_edits, want.corpus_2refs.ref_length]);
      expect(two.signature).toBe(want.signature);
      want.segments_2refs.forEach((seg, i) => {
        const result = sentenceTer(hypotheses[i] as string, [references[0]?.[i], references[1]?.[i]] as string[], options(want.kwargs));
        expect([result.score, result.numEdits, result.refLength], `segment ${i}`).toEqual([seg.score, seg.num_edits, seg.ref_length]);
      });
    });
  }
  it('shift search on 60 shuffled and edited sentences (edit counts)', () => {
    const { random_hypotheses: hyps, random_references: refs } = fixture.ter_inputs;
    hyps.forEach((hyp, i) => {
      const got = translationEditRate(words(hyp), words(refs[i] as string));
      expect([got.edits, got.refLength], `pair ${i}: ${hyp} | ${refs[i]}`).toEqual(fixture.ter_random_edits[i]);
    });
  });
});
