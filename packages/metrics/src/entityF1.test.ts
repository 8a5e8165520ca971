import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { entityF1, extractEntities, formatEntityReport, tokenAccuracy, type EntityF1Result } from './index.js';

interface ReportRow {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}
interface ModeFixture {
  report: Record<string, ReportRow>;
  report_text_digits4: string;
  precision_micro: number;
  recall_micro: number;
  f1_micro: number;
  accuracy_tokens?: number;
  entities_true: [string, number, number][][];
  entities_pred: [string, number, number][][];
}
const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/seqeval_fixture.json', import.meta.url), 'utf8')) as {
  inputs: { y_true: string[][]; y_pred: string[][] };
  default_mode: ModeFixture;
  strict_IOB2: ModeFixture;
};
const { y_true: gold, y_pred: pred } = fixture.inputs;
const TOL = 1e-9;

function expectReport(result: EntityF1Result, expected: ModeFixture): void {
  const rows: Record<string, ReportRow> = {};
  for (const [name, row] of Object.entries(result.types)) rows[name] = { precision: row.precision, recall: row.recall, 'f1-score': row.f1, support: row.support };
  for (const [name, row] of [['micro avg', result.micro], ['macro avg', result.macro], ['weighted avg', result.weighted]] as const) {
    rows[name] = { precision: row.precision, recall: row.recall, 'f1-score': row.f1, support: row.support };
  }
  expect(Object.keys(rows)).toEqual(Object.keys(expected.report));
  for (const [name, want] of Object.entries(expected.report)) {
    const got = rows[name] as ReportRow;
    expect(Math.abs(got.precision - want.precision), `${name} precision`).toBeLessThan(TOL);
    expect(Math.abs(got.recall - want.recall), `${name} recall`).toBeLessThan(TOL);
    expect(Math.abs(got['f1-score'] - want['f1-score']), `${name} f1`).toBeLessThan(TOL);
    expect(got.support, `${name} support`).toBe(want.support);
  }
  expect(Math.abs(result.precision - expected.precision_micro)).toBeLessThan(TOL);
  expect(Math.abs(result.recall - expected.recall_micro)).toBeLessThan(TOL);
  expect(Math.abs(result.f1 - expected.f1_micro)).toBeLessThan(TOL);
  expect(formatEntityReport(result, 4)).toBe(expected.report_text_digits4);
}

describe('entityF1 matches seqeval 1.2 (seqeval_fixture.json, malformed sequences included)', () => {
  it('default (lenient) mode: report, micro scores and text report', () => {
    expectReport(entityF1(gold, pred), fixture.default_mode);
  });
  it('default mode: token accuracy', () => {
    expect(Math.abs(tokenAccuracy(gold, pred) - (fixture.default_mode.accuracy_tokens as number))).toBeLessThan(TOL);
    expect(Math.abs(entityF1(gold, pred).accuracy - (fixture.default_mode.accuracy_tokens as number))).toBeLessThan(TOL);
  });
  it('default mode: entities per sentence (get_entities, inclusive ends in the fixture)', () => {
    const asTuples = (seqs: string[][]) => extractEntities(seqs).map((es) => es.map((e) => [e.type, e.start, e.end - 1]));
    expect(asTuples(gold)).toEqual(fixture.default_mode.entities_true);
    expect(asTuples(pred)).toEqual(fixture.default_mode.entities_pred);
  });
  it('strict mode with IOB2: report, micro scores and text report', () => {
    expectReport(entityF1(gold, pred, { mode: 'strict', scheme: 'IOB2' }), fixture.strict_IOB2);
  });
  it('strict mode with IOB2: entities per sentence (exclusive ends)', () => {
    const asTuples = (seqs: string[][]) =>
      extractEntities(seqs, { mode: 'strict', scheme: 'IOB2' }).map((es) => es.map((e) => [e.type, e.start, e.end]));
    expect(asTuples(gold)).toEqual(fixture.strict_IOB2.entities_true);
    expect(asTuples(pred)).toEqual(fixture.strict_IOB2.entities_pred);
  });
  it('strict mode without a scheme detects IOB2 from the gold tags, as seqeval does', () => {
    const result = entityF1(gold, pred, { mode: 'strict' });
    expect(result.scheme).toBe('IOB2');
    expect(result.f1).toBe(entityF1(gold, pred, { mode: 'strict', scheme: 'IOB2' }).f1);
  });
});
