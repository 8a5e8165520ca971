import { EmptyInputError, InvalidArgumentError, NlpkitError, UnsupportedError, evaluatePerplexity } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { NgramCounter, countNgrams } from './countNgrams.js';
import { NgramInputError } from './errors.js';
import { estimateKneserNey } from './estimateKneserNey.js';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('countNgrams', () => {
  it('counts every n-gram of <s> w… </s> up to the order', () => {
    const counts = countNgrams([['a', 'b'], ['a']], { order: 3 });
    const v = counts.wordIndex;
    expect(counts.counts[0]![v.id('a')]).toBe(2);
    expect(counts.counts[0]![v.id('</s>')]).toBe(2);
    expect(counts.indexes[1]!.size).toBe(4); // <s> a (twice), a b, b </s>, a </s>
    const sa = counts.indexes[1]!.find(v.id('<s>'), v.id('a'));
    expect(counts.counts[1]![sa]).toBe(2);
    expect(counts.indexes[2]!.size).toBe(3); // <s> a b, a b </s>, <s> a </s>
    expect(counts.tokens).toBe(5);
    expect(counts.sentences).toBe(2);
  });

  it('rejects bad input with typed errors naming the problem and the line', () => {
    const empty = thrown(() => countNgrams([], { order: 3 }));
    expect(empty).toBeInstanceOf(EmptyInputError);
    expect(empty.message).toMatchInlineSnapshot(`"@nlpkit/ngram: sentences must hold at least one sentence, got nothing"`);
    const order0 = thrown(() => countNgrams([['a']], { order: 0 }));
    expect(order0).toBeInstanceOf(InvalidArgumentError);
    expect(order0.message).toMatchInlineSnapshot(`"@nlpkit/ngram: options.order must be an integer from 1 to 10, got 0"`);
    expect(thrown(() => estimateKneserNey([['a']], { order: 1.5 })).message).toMatchInlineSnapshot(`"@nlpkit/ngram: options.order must be an integer from 1 to 10, got 1.5"`);
    const bad = thrown(() => countNgrams([['a'], ['b', 7 as unknown as string]], { order: 2 }));
    expect(bad).toBeInstanceOf(NgramInputError);
    expect(bad).toBeInstanceOf(InvalidArgumentError);
    expect((bad as NgramInputError).code).toBe('ERR_NGRAM_INPUT');
    expect((bad as NgramInputError).line).toBe(2);
    expect((bad as NgramInputError).argument).toBe('sentences[1][1]');
    expect(bad.message).toMatchInlineSnapshot(`"@nlpkit/ngram: sentences[1][1] must be a string or a Token, got 7"`);
    expect(thrown(() => countNgrams([['a'], ['']], { order: 2 })).message).toMatchInlineSnapshot(`"@nlpkit/ngram: sentences[1][0] must be a non-empty token, got """`);
    // An object is "an object" (the old message said "a object").
    expect(thrown(() => countNgrams([[{} as unknown as string]], { order: 2 })).message).toMatchInlineSnapshot(`"@nlpkit/ngram: sentences[0][0] must be a string or a Token, got an object"`);
    expect(thrown(() => countNgrams(['a b' as unknown as string[]], { order: 2 })).message).toMatchInlineSnapshot(`"@nlpkit/ngram: sentences[0] must be an array of tokens, got "a b""`);
    expect(thrown(() => countNgrams('a b' as unknown as string[][], { order: 2 })).message).toMatchInlineSnapshot(`"@nlpkit/ngram: sentences must be an iterable or async iterable of token arrays, got "a b""`);
    for (const marker of ['</s>', '<s>', '<pad>']) {
      const reserved = thrown(() => countNgrams([['a', marker]], { order: 2 }));
      expect(reserved).toBeInstanceOf(NgramInputError);
      expect(reserved.message).toBe(
        `@nlpkit/ngram: sentences[0][1] must be a word, not a reserved marker (sentence boundaries are added automatically), got "${marker}"`,
      );
    }
    expect(thrown(() => countNgrams([['a']], { order: 2, oder: 3 } as never)).message).toMatchInlineSnapshot(`"@nlpkit/ngram: options.oder must be absent (known options: order, signal, collect, progress), got an unknown option"`);
    const { model } = estimateKneserNey([['a']], { order: 1 });
    // Evaluation goes through core, whose errors are NlpkitErrors too.
    expect(thrown(() => evaluatePerplexity(model, []))).toBeInstanceOf(EmptyInputError);
    expect(thrown(() => evaluatePerplexity(model, [[null as unknown as string]]))).toBeInstanceOf(NlpkitError);
  });

  it('stops when its AbortSignal fires', () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    expect(() => countNgrams([['a']], { order: 2, signal: controller.signal })).toThrow('stop');
    expect(() => estimateKneserNey([['a']], { order: 2, signal: controller.signal })).toThrow('stop');
  });

  it('counts incrementally like in one call', () => {
    const counter = new NgramCounter({ order: 2 });
    counter.add(['x', 'y']);
    counter.add(['y']);
    const once = countNgrams([['x', 'y'], ['y']], { order: 2 });
    const inc = counter.finish();
    expect(Array.from(inc.counts[1]!)).toEqual(Array.from(once.counts[1]!));
    // Finishing ends counting: the same counts again, and no more sentences.
    expect(counter.finish()).toBe(inc);
    expect(thrown(() => counter.add(['x']))).toBeInstanceOf(UnsupportedError);
  });

  it('calls collect when a large table is dropped, and counts the same', () => {
    // 402,000 distinct bigrams: the bigram table grows to 16 MiB, dropped when counting finishes.
    const corpus = Array.from({ length: 2000 }, (_, i) => Array.from({ length: 200 }, (_, j) => `w${i}_${j}`));
    let calls = 0;
    const counted = countNgrams(corpus, { order: 2, collect: () => void calls++ });
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(counted.counts).toEqual(countNgrams(corpus, { order: 2 }).counts);
    calls = 0;
    estimateKneserNey(counted, { order: 2, collect: () => void calls++ });
    expect(calls).toBe(0); // no order of a million n-grams: nothing large dropped
  });
});

describe('core evaluatePerplexity on a backoff model', () => {
  it('counts </s> per sentence and separates OOVs as KenLM query does', () => {
    const { model } = estimateKneserNey([['a', 'b'], ['b', 'a', 'b']], { order: 2 });
    const result = evaluatePerplexity(model, [['a', 'zzz', 'b']]);
    expect(result.tokens).toBe(4);
    expect(result.oov).toBe(1);
    const s = model.scoreSentence(['a', 'zzz', 'b'], { perToken: true });
    expect(result.log10Prob).toBeCloseTo(s.log10Prob, 10);
    expect(result.perplexity).toBeCloseTo(10 ** (-s.log10Prob / 4), 8);
    const withoutOov = s.log10Prob - s.perToken![1]!.log10Prob;
    expect(result.perplexityExcludingOov).toBeCloseTo(10 ** (-withoutOov / 3), 8);
  });
});
