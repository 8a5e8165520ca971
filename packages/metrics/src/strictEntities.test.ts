import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TagScheme } from '@nlpkit/core';
import { entityF1, extractEntities, type EntityF1Result } from './index.js';

// Made by scripts/golden/metrics/make_seqeval_fixture.py with seqeval 1.2's own code: random, often malformed
// sequences in every scheme (strict mode), scheme auto-detection, and the default mode on odd tags.
type Report = Record<string, { precision: number; recall: number; 'f1-score': number; support: number }>;
const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/seqeval_schemes_fixture.json', import.meta.url), 'utf8')) as {
  strict: Record<TagScheme, { gold: string[][]; pred: string[][]; report: Report; report_zero_division_1: Report; entities_gold: [string, number, number][][]; entities_pred: [string, number, number][][]; default_report: Report }>;
  auto_detect: { gold: string[][]; pred: string[][]; scheme: TagScheme; report: Report };
  default: { odd_tags: { gold: string[][]; pred: string[][]; report: Report; entities_gold: [string, number, number][][] } };
};

function expectReport(result: EntityF1Result, report: Report): void {
  const rows: [string, { precision: number; recall: number; f1: number; support: number }][] = [
    ...Object.entries(result.types),
    ['micro avg', result.micro],
    ['macro avg', result.macro],
    ['weighted avg', result.weighted],
  ];
  expect(rows.map(([name]) => name)).toEqual(Object.keys(report));
  for (const [name, row] of rows) {
    const want = report[name] as Report[string];
    expect(Math.abs(row.precision - want.precision), `${name} precision`).toBeLessThan(1e-9);
    expect(Math.abs(row.recall - want.recall), `${name} recall`).toBeLessThan(1e-9);
    expect(Math.abs(row.f1 - want['f1-score']), `${name} f1`).toBeLessThan(1e-9);
    expect(row.support, `${name} support`).toBe(want.support);
  }
}

describe('strict mode matches seqeval in every scheme', () => {
  for (const [scheme, c] of Object.entries(fixture.strict) as [TagScheme, (typeof fixture.strict)[TagScheme]][]) {
    it(`${scheme}: entities, report, zero_division=1`, () => {
      const asTuples = (seqs: string[][]) => extractEntities(seqs, { mode: 'strict', scheme }).map((es) => es.map((e) => [e.label, e.start, e.end]));
      expect(asTuples(c.gold)).toEqual(c.entities_gold);
      expect(asTuples(c.pred)).toEqual(c.entities_pred);
      expectReport(entityF1(c.gold, c.pred, { mode: 'strict', scheme }), c.report);
      expectReport(entityF1(c.gold, c.pred, { mode: 'strict', scheme, zeroDivision: 1 }), c.report_zero_division_1);
    });
    it(`${scheme} tags in default (lenient) mode`, () => {
      expectReport(entityF1(c.gold, c.pred), c.default_report);
    });
  }
  it('detects the scheme from the gold prefixes when none is given', () => {
    const { gold, pred, scheme, report } = fixture.auto_detect;
    const result = entityF1(gold, pred, { mode: 'strict' });
    expect(result.scheme).toBe(scheme);
    expectReport(result, report);
  });
});

describe('default mode matches seqeval on odd tags', () => {
  const c = fixture.default.odd_tags;
  it('untyped tags, unknown prefixes, several dashes and "." are read as seqeval reads them', () => {
    expectReport(entityF1(c.gold, c.pred), c.report);
    expect(extractEntities(c.gold).map((es) => es.map((e) => [e.label, e.start, e.end - 1]))).toEqual(c.entities_gold);
  });
});
