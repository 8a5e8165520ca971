import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classificationReport,
  corpusBleu,
  corpusChrf,
  corpusTer,
  createBleu,
  createChrf,
  createClassification,
  createEntityF1,
  createPerplexity,
  createTer,
  entityF1,
  perplexity,
} from './index.js';

/** Splits `n` items into consecutive batches at the given cut points. */
function batches(n: number, cuts: readonly number[]): [number, number][] {
  const points = [...new Set(cuts.map((c) => c % (n + 1)))].sort((a, b) => a - b);
  const bounds = [0, ...points.filter((p) => p > 0 && p < n), n];
  return bounds.slice(1).map((end, i) => [bounds[i] as number, end]);
}

const word = fc.constantFrom('the', 'cat', 'sat', 'on', 'mat', 'a', 'dog', '.', ',', 'Ünï', '🍕', 'x-y', '3.5');
const sentence = fc.array(word, { maxLength: 12 }).map((ws) => ws.join(' '));
const corpus = fc
  .integer({ min: 1, max: 12 })
  .chain((n) => fc.tuple(fc.array(sentence, { minLength: n, maxLength: n }), fc.array(sentence, { minLength: n, maxLength: n }), fc.array(fc.nat(), { maxLength: 5 })));

describe('streaming update()/compute() equals the one-shot function, for any batching', () => {
  it('BLEU', () => {
    fc.assert(
      fc.property(corpus, ([hyps, refs, cuts]) => {
        const metric = createBleu({ smoothMethod: 'floor' });
        for (const [a, b] of batches(hyps.length, cuts)) metric.update(hyps.slice(a, b), [refs.slice(a, b)]);
        expect(metric.compute()).toEqual(corpusBleu(hyps, [refs], { smoothMethod: 'floor' }));
      }),
      { numRuns: 60 },
    );
  });
  it('chrF++', () => {
    fc.assert(
      fc.property(corpus, ([hyps, refs, cuts]) => {
        const metric = createChrf({ wordOrder: 2 });
        for (const [a, b] of batches(hyps.length, cuts)) metric.update(hyps.slice(a, b), [refs.slice(a, b)]);
        expect(metric.compute()).toEqual(corpusChrf(hyps, [refs], { wordOrder: 2 }));
      }),
      { numRuns: 60 },
    );
  });
  it('TER', () => {
    fc.assert(
      fc.property(corpus, ([hyps, refs, cuts]) => {
        const metric = createTer();
        for (const [a, b] of batches(hyps.length, cuts)) metric.update(hyps.slice(a, b), [refs.slice(a, b)]);
        expect(metric.compute()).toEqual(corpusTer(hyps, [refs]));
      }),
      { numRuns: 40 },
    );
  });

  const tag = fc.constantFrom('O', 'O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'E-LOC', 'S-PER', 'I-ORG');
  const tagged = fc
    .array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 10 })
    .chain((lengths) =>
      fc.tuple(
        fc.tuple(...lengths.map((n) => fc.array(tag, { minLength: n, maxLength: n }))),
        fc.tuple(...lengths.map((n) => fc.array(tag, { minLength: n, maxLength: n }))),
        fc.array(fc.nat(), { maxLength: 4 }),
      ),
    );
  it('entity F1 in default mode (state carries across sentence batches) and strict mode', () => {
    fc.assert(
      fc.property(tagged, ([gold, pred, cuts]) => {
        for (const options of [{}, { mode: 'strict' as const, scheme: 'IOBES' as const }]) {
          const metric = createEntityF1(options);
          for (const [a, b] of batches(gold.length, cuts)) metric.update(gold.slice(a, b), pred.slice(a, b));
          expect(metric.compute()).toEqual(entityF1(gold, pred, options));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('perplexity', () => {
    const logProbs = fc.array(fc.array(fc.double({ min: -30, max: 0, noNaN: true }), { maxLength: 8 }), { minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(logProbs, fc.array(fc.nat(), { maxLength: 4 }), (rows, cuts) => {
        fc.pre(rows.some((r) => r.length > 0));
        const metric = createPerplexity({ base: 2 });
        for (const [a, b] of batches(rows.length, cuts)) metric.update(rows.slice(a, b));
        expect(metric.compute()).toEqual(perplexity(rows, { base: 2 }));
      }),
      { numRuns: 100 },
    );
  });

  it('classification', () => {
    const labels = fc.integer({ min: 1, max: 40 }).chain((n) =>
      fc.tuple(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: n, maxLength: n }), fc.array(fc.constantFrom('a', 'b', 'c', 'e'), { minLength: n, maxLength: n }), fc.array(fc.nat(), { maxLength: 4 })),
    );
    fc.assert(
      fc.property(labels, ([gold, pred, cuts]) => {
        const metric = createClassification({ zeroDivision: 1 });
        for (const [a, b] of batches(gold.length, cuts)) metric.update(gold.slice(a, b), pred.slice(a, b));
        expect(metric.compute()).toEqual(classificationReport(gold, pred, { zeroDivision: 1 }));
      }),
      { numRuns: 100 },
    );
  });
});
