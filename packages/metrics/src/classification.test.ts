import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accuracy, classificationReport, confusionMatrix, type Label } from './index.js';

// Made by scripts/golden/metrics/make_sklearn_fixture.py with scikit-learn 1.2.1.
interface Scores {
  precision: number;
  recall: number;
  f1: number;
}
const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/sklearn_classification_fixture.json', import.meta.url), 'utf8')) as {
  cases: Record<
    string,
    {
      y_true: Label[];
      y_pred: Label[];
      labels: Label[] | null;
      accuracy: number;
      confusion: number[][] | null;
      by_zero_division: Record<'0' | '1', { per_class: { precision: number[]; recall: number[]; f1: number[]; support: number[] }; micro: Scores; macro: Scores; weighted: Scores }>;
    }
  >;
};

const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-12;

describe('classificationReport matches scikit-learn 1.2', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    for (const zd of ['0', '1'] as const) {
      it(`${name}, zero_division=${zd}`, () => {
        const want = c.by_zero_division[zd];
        const got = classificationReport(c.y_true, c.y_pred, { labels: c.labels ?? undefined, zeroDivision: Number(zd) as 0 | 1 });
        expect(got.perClass.map((r) => r.support)).toEqual(want.per_class.support);
        got.perClass.forEach((row, i) => {
          expect(close(row.precision, want.per_class.precision[i] as number), `precision ${String(got.labels[i])}`).toBe(true);
          expect(close(row.recall, want.per_class.recall[i] as number), `recall ${String(got.labels[i])}`).toBe(true);
          expect(close(row.f1, want.per_class.f1[i] as number), `f1 ${String(got.labels[i])}`).toBe(true);
        });
        for (const avg of ['micro', 'macro', 'weighted'] as const) {
          expect(close(got[avg].precision, want[avg].precision), `${avg} precision`).toBe(true);
          expect(close(got[avg].recall, want[avg].recall), `${avg} recall`).toBe(true);
          expect(close(got[avg].f1, want[avg].f1), `${avg} f1`).toBe(true);
        }
        expect(got.accuracy).toBe(c.accuracy);
        if (c.confusion) expect(got.confusion).toEqual(c.confusion);
      });
    }
  }
});

describe('classification helpers', () => {
  it('sorts labels as numpy does (numbers numerically, strings by code point) and builds the confusion matrix', () => {
    expect(confusionMatrix([10, 9, 10], [9, 9, 10])).toEqual({ labels: [9, 10], matrix: [[1, 0], [1, 1]] });
    expect(confusionMatrix(['b', 'B', 'a'], ['b', 'a', 'a']).labels).toEqual(['B', 'a', 'b']);
    expect(accuracy(['x', 'y'], ['x', 'x'])).toBe(0.5);
  });
  it('rejects mixed label types and mismatched lengths with typed errors', () => {
    expect(() => classificationReport([1, 'a'], [1, 'a'])).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: gold[1] must be a number like the labels before it (no mixed label types), got "a"]`);
    expect(() => classificationReport(['a', 'b'], ['a'])).toThrowErrorMatchingInlineSnapshot(`[LengthMismatchError: @nlpkit/metrics: pred must be 2 labels (as many as gold), got 1]`);
    expect(() => classificationReport([], [])).toThrowErrorMatchingInlineSnapshot(`[EmptyInputError: @nlpkit/metrics: gold must hold at least one label, got nothing]`);
    expect(() => classificationReport(['a'], ['a'], { labels: ['a'], zeroDivision: 2 as never })).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: options.zeroDivision must be 0 or 1, got 2]`);
  });
});

describe('classification reads iterables and async iterables', () => {
  async function* labelsOf<T>(items: readonly T[]): AsyncGenerator<T> {
    for (const item of items) yield item;
  }
  it('gives the same report from arrays, generators and async generators', async () => {
    const gold = Array.from({ length: 3000 }, (_, i) => ['a', 'b', 'c'][i % 3] as string);
    const pred = gold.map((label, i) => (i % 7 === 0 ? 'a' : label));
    const want = classificationReport(gold, pred);
    expect(classificationReport(gold.values(), pred.values())).toEqual(want);
    const fromAsync = classificationReport(labelsOf(gold), labelsOf(pred));
    expect(fromAsync).toBeInstanceOf(Promise);
    expect(await fromAsync).toEqual(want);
    expect(await accuracy(labelsOf(gold), pred)).toBe(want.accuracy);
    expect(await confusionMatrix(gold, labelsOf(pred))).toEqual({ labels: want.labels, matrix: want.confusion });
  });
});
