import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AnyIterable } from '@nlpkit/core';
import {
  corpusBleu,
  corpusChrf,
  corpusTer,
  createBleu,
  createChrf,
  createTer,
  entityF1,
  perplexity,
  type BleuResult,
  type EntityF1Result,
  type PerplexityResult,
  type ReferenceStreams,
} from './index.js';

// The sacreBLEU fixture's inputs, scored from arrays, from sync iterables and from async iterables (as a file
// reader yields lines): the three must give the same numbers, which the parity tests pin to sacreBLEU's.
const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/sacrebleu_extra_fixture.json', import.meta.url), 'utf8')) as {
  inputs: { hypotheses: string[]; references: (string | null)[][] };
};
const { hypotheses, references } = fixture.inputs;

async function* lines<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

/** Repeats the corpus so that iterables are read in more than one batch. */
const big = <T>(items: readonly T[]): T[] => Array.from({ length: 40 }, () => items).flat();

describe('corpus BLEU, chrF and TER read arrays, iterables and async iterables alike', () => {
  const scorers = [
    ['BLEU', corpusBleu, createBleu],
    ['chrF', corpusChrf, createChrf],
    ['TER', corpusTer, createTer],
  ] as const;
  for (const [name, scorer, create] of scorers) {
    // The three differ only in their result type; seen through one signature, a union of them is callable.
    const corpus = scorer as (hypotheses: AnyIterable<string>, references: ReferenceStreams) => unknown;
    it(`${name}: same result from each kind of input; async input gives a promise`, async () => {
      const hyps = big(hypotheses);
      const refs = references.map(big);
      const want = corpus(hyps, refs);
      expect(corpus(hyps.values(), refs.map((r) => r.values()))).toEqual(want);
      const fromAsync = corpus(lines(hyps), refs.map((r) => lines(r)));
      expect(fromAsync).toBeInstanceOf(Promise);
      expect(await fromAsync).toEqual(want);
      // Mixed: sync hypotheses, one async reference stream.
      expect(await corpus(hyps, [refs[0]!, lines(refs[1]!)])).toEqual(corpus(hyps, [refs[0]!, refs[1]!]));
      // The streaming metric sees the same segment statistics.
      const metric = create();
      metric.update(new Set(['only one']), [['only one'].values()]);
      expect(metric.statistics()).toHaveLength(1);
    });
  }
  it('reports a short async reference stream with both counts', async () => {
    await expect(corpusBleu(lines(['a', 'b', 'c']), [lines(['a', 'b'])])).rejects.toThrowErrorMatchingInlineSnapshot(`[LengthMismatchError: @nlpkit/metrics: references[0] must be 3 lines (one per hypothesis), got 2]`);
  });
  it('closes the other inputs when it stops early', () => {
    let closed = false;
    function* hyps(): Generator<string> {
      try {
        for (let i = 0; i < 5000; i++) yield i === 1 ? (7 as never) : 'a';
      } finally {
        closed = true;
      }
    }
    // A bad line makes the first batch fail long before the generator's end; it is closed (its finally block
    // runs) rather than left open, as a file reader must be.
    expect(() => corpusBleu(hyps(), [new Array<string>(5000).fill('a')])).toThrow(/hypotheses\[1\] must be a string/);
    expect(closed).toBe(true);
  });
  it('refuses async input to update, which must stay synchronous', () => {
    expect(() => createBleu().update(lines(['a']) as never, [['a']])).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: hypotheses must be an array or iterable of strings (async input goes to the corpus functions, not update), got an object]`);
  });
});

describe('types follow the input', () => {
  it('sync input gives the result, async input a promise (checked by the typecheck)', async () => {
    const hyps = ['a b c'];
    const refs = [['a b c']];
    expectTypeOf(corpusBleu(hyps, refs)).toEqualTypeOf<BleuResult>();
    expectTypeOf(corpusBleu(new Set(hyps), [refs[0]!.values()])).toEqualTypeOf<BleuResult>();
    expectTypeOf(corpusBleu(lines(hyps), refs)).toEqualTypeOf<Promise<BleuResult>>();
    expectTypeOf(corpusBleu(hyps, [lines(refs[0]!)])).toEqualTypeOf<Promise<BleuResult>>();
    expectTypeOf(entityF1([['O']], [['O']])).toEqualTypeOf<EntityF1Result>();
    expectTypeOf(entityF1([['O']], lines([['O']]))).toEqualTypeOf<Promise<EntityF1Result>>();
    expectTypeOf(perplexity(lines([[-1]]), { base: 10 })).toEqualTypeOf<Promise<PerplexityResult>>();
    // And at run time:
    expect(corpusBleu(hyps, refs)).not.toBeInstanceOf(Promise);
    expect(await corpusBleu(hyps, [lines(refs[0]!)])).toEqual(corpusBleu(hyps, refs));
  });
});
