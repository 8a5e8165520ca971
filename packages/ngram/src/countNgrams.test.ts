import { describe, expect, it } from 'vitest';
import { NgramCounter, countNgrams } from './countNgrams.js';
import { NgramInputError } from './errors.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { evaluatePerplexity } from './evaluatePerplexity.js';

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
    const v = counts.vocabulary;
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
    expect(thrown(() => countNgrams([], { order: 3 }))).toBeInstanceOf(NgramInputError);
    expect(thrown(() => countNgrams([], { order: 3 })).message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: the training corpus is empty; expected at least one sentence"`,
    );
    const order0 = thrown(() => countNgrams([['a']], { order: 0 }));
    expect(order0).toBeInstanceOf(RangeError);
    expect(order0.message).toMatchInlineSnapshot(`"@nlpkit/ngram: order must be an integer from 1 to 10, got 0"`);
    expect(thrown(() => estimateKneserNey([['a']], { order: 1.5 })).message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: order must be an integer from 1 to 10, got 1.5"`,
    );
    const bad = thrown(() => countNgrams([['a'], ['b', 7 as unknown as string]], { order: 2 }));
    expect(bad).toBeInstanceOf(NgramInputError);
    expect((bad as NgramInputError).line).toBe(2);
    expect(bad.message).toMatchInlineSnapshot(`"@nlpkit/ngram: token 2 of sentence 2 must be a non-empty string, got 7"`);
    expect(thrown(() => countNgrams(['a b' as unknown as string[]], { order: 2 })).message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: sentences must be arrays of string tokens; sentence 1 is "a b""`,
    );
    expect(thrown(() => countNgrams([['a', '</s>']], { order: 2 })).message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: token 2 of sentence 1 is the reserved marker </s>; sentence boundaries are added automatically"`,
    );
    const { model } = estimateKneserNey([['a']], { order: 1 });
    expect(thrown(() => evaluatePerplexity(model, [])).message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: the evaluation text is empty; expected at least one sentence"`,
    );
    expect(thrown(() => evaluatePerplexity(model, [[null as unknown as string]])).message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: token 1 of sentence 1 must be a string, got null"`,
    );
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
  });
});

describe('evaluatePerplexity', () => {
  it('counts </s> per sentence and separates OOVs as KenLM query does', () => {
    const { model } = estimateKneserNey([['a', 'b'], ['b', 'a', 'b']], { order: 2 });
    const result = evaluatePerplexity(model, [['a', 'zzz', 'b']]);
    expect(result.tokens).toBe(4);
    expect(result.oov).toBe(1);
    const s = model.scoreSentence(['a', 'zzz', 'b']);
    expect(result.logProb).toBeCloseTo(s.logProb, 10);
    expect(result.perplexity).toBeCloseTo(10 ** (-s.logProb / 4), 8);
    const withoutOov = s.logProb - s.words[1]!.logProb;
    expect(result.perplexityExcludingOov).toBeCloseTo(10 ** (-withoutOov / 3), 8);
  });
});
