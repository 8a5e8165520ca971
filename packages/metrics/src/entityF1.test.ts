import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  detectScheme,
  entityF1,
  extractEntities,
  formatEntityReport,
  lenientEntities,
  strictEntities,
  tokenAccuracy,
  type EntityF1Result,
} from './index.js';

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
    const asTuples = (seqs: string[][]) => extractEntities(seqs).map((es) => es.map((e) => [e.label, e.start, e.end - 1]));
    expect(asTuples(gold)).toEqual(fixture.default_mode.entities_true);
    expect(asTuples(pred)).toEqual(fixture.default_mode.entities_pred);
  });
  it('strict mode with IOB2: report, micro scores and text report', () => {
    expectReport(entityF1(gold, pred, { mode: 'strict', scheme: 'IOB2' }), fixture.strict_IOB2);
  });
  it('strict mode with IOB2: entities per sentence (exclusive ends)', () => {
    const asTuples = (seqs: string[][]) =>
      extractEntities(seqs, { mode: 'strict', scheme: 'IOB2' }).map((es) => es.map((e) => [e.label, e.start, e.end]));
    expect(asTuples(gold)).toEqual(fixture.strict_IOB2.entities_true);
    expect(asTuples(pred)).toEqual(fixture.strict_IOB2.entities_pred);
  });
  it('strict mode without a scheme detects IOB2 from the gold tags, as seqeval does', () => {
    const result = entityF1(gold, pred, { mode: 'strict' });
    expect(result.scheme).toBe('IOB2');
    expect(result.f1).toBe(entityF1(gold, pred, { mode: 'strict', scheme: 'IOB2' }).f1);
  });
});

describe('core tag schemes and spans', () => {
  it("accepts core's aliases: 'BIO' is IOB2 and 'BIOES' is IOBES, in entityF1 and extractEntities", () => {
    const bio = entityF1(gold, pred, { mode: 'strict', scheme: 'BIO' });
    expect(bio.scheme).toBe('IOB2');
    expect(bio).toEqual(entityF1(gold, pred, { mode: 'strict', scheme: 'IOB2' }));
    const bioesGold = [['B-PER', 'E-PER', 'O', 'S-LOC'], ['B-ORG', 'I-ORG', 'E-ORG']];
    const bioesPred = [['B-PER', 'E-PER', 'O', 'B-LOC'], ['B-ORG', 'I-ORG', 'E-ORG']];
    const bioes = entityF1(bioesGold, bioesPred, { mode: 'strict', scheme: 'BIOES' });
    expect(bioes.scheme).toBe('IOBES');
    expect([bioes.precision, bioes.recall]).toEqual([1, 2 / 3]);
    expect(extractEntities(bioesGold, { mode: 'strict', scheme: 'BIOES' })).toEqual(extractEntities(bioesGold, { mode: 'strict', scheme: 'IOBES' }));
  });
  it("returns core Spans ({ label, start, end }), as text's tagsToSpans does", () => {
    expect(strictEntities(['B-PER', 'I-PER', 'O', 'I-LOC'], 'BIO')).toEqual([{ label: 'PER', start: 0, end: 2 }]);
    expect(lenientEntities(['I-PER', 'I-PER', 'O', 'B-LOC'])).toEqual([
      { label: 'PER', start: 0, end: 2 },
      { label: 'LOC', start: 3, end: 4 },
    ]);
    expect(detectScheme([['B-PER', 'E-PER'], ['S-LOC']])).toBe('IOBES');
  });
});

describe('entityF1 reads iterables and async iterables', () => {
  async function* sentencesOf(items: readonly (readonly string[])[]): AsyncGenerator<readonly string[]> {
    for (const item of items) yield item;
  }
  it('gives the same scores from arrays, generators and async generators, in both modes', async () => {
    for (const options of [{}, { mode: 'strict' as const }, { mode: 'strict' as const, scheme: 'BIO' as const }]) {
      const want = entityF1(gold, pred, options);
      expect(entityF1(gold.values(), pred.values(), options)).toEqual(want);
      const fromAsync = entityF1(sentencesOf(gold), sentencesOf(pred), options);
      expect(fromAsync).toBeInstanceOf(Promise);
      expect(await fromAsync).toEqual(want);
    }
    expect(await tokenAccuracy(sentencesOf(gold), pred)).toBe(tokenAccuracy(gold, pred));
    expect(extractEntities(gold.values(), { mode: 'strict', scheme: 'BIO' })).toEqual(extractEntities(gold, { mode: 'strict', scheme: 'IOB2' }));
  });
  it('names the side that runs short', async () => {
    await expect(entityF1(sentencesOf(gold), sentencesOf(pred.slice(1)))).rejects.toThrowErrorMatchingInlineSnapshot(`[LengthMismatchError: @nlpkit/metrics: pred must be 30 sentences of tags (as many as gold), got 29]`);
  });
});
