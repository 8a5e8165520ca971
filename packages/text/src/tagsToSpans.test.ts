import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError, InvalidArgumentError, TAG_SCHEMES, UnknownNameError, type Span } from '@nlpkit/core';
import { convertTags, spansToTags, tagsToSpans, type Malformed } from './tagsToSpans.js';

const s = (label: string, start: number, end: number): Span => ({ label, start, end });

describe('spansToTags / tagsToSpans', () => {
  const spans = [s('PER', 0, 2), s('PER', 2, 3), s('LOC', 4, 5)];
  const cases: Record<string, string[]> = {
    IOB1: ['I-PER', 'I-PER', 'B-PER', 'O', 'I-LOC'],
    IOB2: ['B-PER', 'I-PER', 'B-PER', 'O', 'B-LOC'],
    IOE1: ['I-PER', 'E-PER', 'I-PER', 'O', 'I-LOC'],
    IOE2: ['I-PER', 'E-PER', 'E-PER', 'O', 'E-LOC'],
    IOBES: ['B-PER', 'E-PER', 'S-PER', 'O', 'S-LOC'],
    BILOU: ['B-PER', 'L-PER', 'U-PER', 'O', 'U-LOC'],
  };

  it('encodes and decodes every scheme', () => {
    for (const [scheme, tags] of Object.entries(cases)) {
      expect({ scheme, tags: spansToTags(spans, 5, scheme as 'IOB1') }).toEqual({ scheme, tags });
      expect({ scheme, spans: tagsToSpans(tags, scheme as 'IOB1', { malformed: 'throw' }) }).toEqual({ scheme, spans });
    }
    expect(convertTags(cases.IOB1 ?? [], 'IOB1', 'BILOU')).toEqual(cases.BILOU);
    expect(convertTags(cases.BILOU ?? [], 'BILOU', 'BIO')).toEqual(cases.IOB2);
  });

  it("accepts core's aliases BIO (IOB2) and BIOES (IOBES)", () => {
    expect(spansToTags(spans, 5, 'BIO')).toEqual(cases.IOB2);
    expect(spansToTags(spans, 5, 'BIOES')).toEqual(cases.IOBES);
    expect(tagsToSpans(cases.IOB2 ?? [], 'BIO')).toEqual(spans);
    expect(tagsToSpans(cases.IOBES ?? [], 'BIOES')).toEqual(spans);
  });

  it('round-trips random well-formed spans through every scheme (property)', () => {
    const spanList = fc
      .array(fc.tuple(fc.constantFrom('PER', 'LOC'), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 3 })), { maxLength: 6 })
      .map((parts) => {
        let at = 0;
        return parts.map(([label, gap, len]) => {
          const span = s(label, at + gap, at + gap + len);
          at = span.end;
          return span;
        });
      });
    fc.assert(
      fc.property(spanList, fc.integer({ min: 0, max: 3 }), (list, extra) => {
        const length = (list.at(-1)?.end ?? 0) + extra;
        for (const scheme of TAG_SCHEMES) {
          const tags = spansToTags(list, length, scheme);
          expect(tagsToSpans(tags, scheme, { malformed: 'throw' })).toEqual(list);
        }
      }),
    );
  });

  it('repairs, drops or rejects malformed sequences as documented', () => {
    const tags = ['O', 'I-PER', 'I-PER', 'B-LOC', 'I-ORG'];
    expect(tagsToSpans(tags, 'IOB2')).toEqual([s('PER', 1, 3), s('LOC', 3, 4), s('ORG', 4, 5)]);
    expect(tagsToSpans(tags, 'IOB2', { malformed: 'drop' })).toEqual([s('LOC', 3, 4)]);
    expect(() => tagsToSpans(tags, 'IOB2', { malformed: 'throw' })).toThrowErrorMatchingInlineSnapshot(
      `[FormatError: @nlpkit/text: tags[1] must be valid IOB2 (I-PER must continue a PER entity), got "I-PER"]`,
    );
    // IOBES: an entity never ended, and an E- with no B-.
    const iobes = ['B-PER', 'I-PER', 'O', 'E-LOC', 'S-ORG'];
    expect(tagsToSpans(iobes, 'IOBES')).toEqual([s('PER', 0, 2), s('LOC', 3, 4), s('ORG', 4, 5)]);
    expect(tagsToSpans(iobes, 'IOBES', { malformed: 'drop' })).toEqual([s('ORG', 4, 5)]);
    expect(() => tagsToSpans(['B-PER'], 'BILOU', { malformed: 'throw' })).toThrow(FormatError);
  });

  it('rejects unknown schemes, foreign prefixes and bad spans', () => {
    expect(() => tagsToSpans(['O'], 'BIOLU' as 'BIO')).toThrow(UnknownNameError);
    expect(() => tagsToSpans(['S-PER'], 'IOB2')).toThrowErrorMatchingInlineSnapshot(
      `[FormatError: @nlpkit/text: tags[0] must be O or one of B-LABEL, I-LABEL in IOB2, got "S-PER"]`,
    );
    expect(() => tagsToSpans(['O'], 'IOB2', { malformed: 'ignore' as Malformed })).toThrow(UnknownNameError);
    expect(() => spansToTags([s('A', 0, 2), s('B', 1, 3)], 3, 'IOB2')).toThrow(InvalidArgumentError);
    expect(() => spansToTags([s('A', 0, 4)], 3, 'IOB2')).toThrow(InvalidArgumentError);
    expect(() => convertTags(['O'], 'IOB2', 'XYZ' as 'BIO')).toThrowErrorMatchingInlineSnapshot(
      `[UnknownNameError: @nlpkit/text: to must be one of IOB1, IOB2, IOE1, IOE2, IOBES, BILOU, BIO, BIOES, got "XYZ"]`,
    );
  });
});

// seqeval 1.2's classification reports on random, often malformed IOB2 sequences (test/fixtures/seqeval_fixture.json,
// made by scripts/golden/metrics/make_seqeval_fixture.py): entities decoded in 'repair' mode must give seqeval's
// default-mode scores, and in 'drop' mode its strict IOB2 scores.
describe('tagsToSpans against seqeval', () => {
  interface Report {
    readonly [label: string]: { readonly precision: number; readonly recall: number; readonly support: number };
  }
  const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/seqeval_fixture.json', import.meta.url), 'utf8')) as {
    inputs: { y_true: string[][]; y_pred: string[][] };
    default_mode: { report: Report };
    strict_IOB2: { report: Report };
  };

  const score = (malformed: Malformed): Map<string, { tp: number; pred: number; gold: number }> => {
    const out = new Map<string, { tp: number; pred: number; gold: number }>();
    const get = (l: string) => out.get(l) ?? (out.set(l, { tp: 0, pred: 0, gold: 0 }), out.get(l)!);
    fixture.inputs.y_true.forEach((gold, k) => {
      const g = tagsToSpans(gold, 'IOB2', { malformed });
      const p = tagsToSpans(fixture.inputs.y_pred[k] ?? [], 'IOB2', { malformed });
      const keys = new Set(g.map((x) => `${x.label}/${x.start}/${x.end}`));
      for (const x of g) get(x.label).gold++;
      for (const x of p) {
        get(x.label).pred++;
        if (keys.has(`${x.label}/${x.start}/${x.end}`)) get(x.label).tp++;
      }
    });
    return out;
  };

  for (const [mode, malformed] of [['default_mode', 'repair'], ['strict_IOB2', 'drop']] as const) {
    it(`matches seqeval ${mode} per label`, () => {
      const ours = score(malformed);
      const report = fixture[mode].report;
      let checked = 0;
      for (const [label, row] of Object.entries(report)) {
        if (label.includes(' avg')) continue;
        const c = ours.get(label) ?? { tp: 0, pred: 0, gold: 0 };
        expect({ label, support: c.gold }).toEqual({ label, support: row.support });
        expect(c.pred === 0 ? 0 : c.tp / c.pred).toBeCloseTo(row.precision, 12);
        expect(c.gold === 0 ? 0 : c.tp / c.gold).toBeCloseTo(row.recall, 12);
        checked++;
      }
      expect(checked).toBeGreaterThanOrEqual(4);
    });
  }
});
