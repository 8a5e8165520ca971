import { EmptyInputError, FormatError, InvalidArgumentError, LengthMismatchError, NlpkitError, UnknownNameError, type TagScheme } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import * as metrics from './index.js';
import {
  InvalidTagError,
  classificationReport,
  corpusBleu,
  corpusChrf,
  corpusTer,
  createBleu,
  entityF1,
  extractEntities,
  perplexity,
  sentenceBleu,
  tokenAccuracy,
  tokenizeBleu,
  translationEditRate,
  type BleuTokenizerName,
} from './index.js';

/** The error a call throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): NlpkitError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(NlpkitError);
    return error as NlpkitError;
  }
  throw new Error('expected the call to throw');
}

describe('every error is an NlpkitError with a code', () => {
  it('every error class the package exports extends NlpkitError and carries its own code', () => {
    const classes = Object.entries(metrics).filter(
      ([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Error,
    );
    expect(classes.map(([name]) => name)).toEqual(['InvalidTagError']);
    const error = thrown(() => entityF1([['X-PER']], [['O']], { mode: 'strict' }));
    expect(error).toBeInstanceOf(InvalidTagError);
    expect(error).toBeInstanceOf(FormatError);
    expect([error.code, error.package, error.argument, error.found]).toEqual(['ERR_INVALID_TAG', '@nlpkit/metrics', 'gold[0][0]', '"X-PER"']);
  });
  it('bad input throws core classes with stable codes', () => {
    expect(thrown(() => corpusBleu(['a', 'b'], [['a']])).code).toBe('ERR_LENGTH_MISMATCH');
    expect(thrown(() => corpusBleu(['a'], [['a']], { tokenize: 'moses' as BleuTokenizerName }))).toBeInstanceOf(UnknownNameError);
    expect(thrown(() => corpusBleu(['a'], [['a']], { maxNgramOrder: 0 }))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => createBleu().compute())).toBeInstanceOf(EmptyInputError);
    expect(thrown(() => classificationReport([1, 'a'], [1, 'a'])).code).toBe('ERR_INVALID_ARGUMENT');
    expect(thrown(() => translationEditRate([1] as never, ['a'])).argument).toBe('hypothesis[0]');
  });
});

describe('bad input gives typed errors that name the argument, the expectation and what was found', () => {
  it('hypothesis/reference count mismatch', () => {
    expect(() => corpusBleu(['a', 'b'], [['a']])).toThrowErrorMatchingInlineSnapshot(`[LengthMismatchError: @nlpkit/metrics: references[0] must be 2 lines (one per hypothesis), got 1]`);
    expect(() => corpusChrf(['a'], [['a'], ['a', 'b']])).toThrow(LengthMismatchError);
    expect(() => corpusTer(['a'], [[]])).toThrow(LengthMismatchError);
    expect(() => corpusBleu(['a'], [])).toThrowErrorMatchingInlineSnapshot(`[EmptyInputError: @nlpkit/metrics: references must hold at least one reference stream, got nothing]`);
    expect(() => corpusBleu(['a'], [[null]])).toThrowErrorMatchingInlineSnapshot(`[EmptyInputError: @nlpkit/metrics: references of hypotheses[0] must hold at least one line that is not null, got nothing]`);
    expect(() => corpusBleu(['a', 7 as never], [['a', 'b']])).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: hypotheses[1] must be a string, got 7]`);
    expect(() => corpusBleu('a' as never, [['a']])).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: hypotheses must be an array, iterable or async iterable of strings, got "a"]`);
    expect(() => sentenceBleu('a', 'a' as never)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: references must be an array, got "a"]`);
  });
  it('counts iterables to their ends to report a mismatch', () => {
    function* lines(n: number): Generator<string> {
      for (let i = 0; i < n; i++) yield `line ${i}`;
    }
    expect(() => corpusBleu(lines(2500), [lines(2499)])).toThrowErrorMatchingInlineSnapshot(`[LengthMismatchError: @nlpkit/metrics: references[0] must be 2500 lines (one per hypothesis), got 2499]`);
    expect(() => corpusBleu(lines(3), [lines(3), lines(5)])).toThrowErrorMatchingInlineSnapshot(`[LengthMismatchError: @nlpkit/metrics: references[1] must be 3 lines (one per hypothesis), got 5]`);
  });
  it('unknown tokenizer, smoothing method or option', () => {
    expect(() => corpusBleu(['a'], [['a']], { tokenize: 'moses' as BleuTokenizerName })).toThrowErrorMatchingInlineSnapshot(`[UnknownNameError: @nlpkit/metrics: options.tokenize must be one of none, 13a, intl, char, zh, got "moses"]`);
    expect(() => tokenizeBleu('a', 'ja-mecab' as BleuTokenizerName)).toThrow(UnknownNameError);
    expect(() => corpusBleu(['a'], [['a']], { smoothMethod: 'add-one' as never })).toThrowErrorMatchingInlineSnapshot(`[UnknownNameError: @nlpkit/metrics: options.smoothMethod must be one of none, floor, add-k, exp, got "add-one"]`);
    expect(() => corpusBleu(['a'], [['a']], { maxNgramOrder: 0 })).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: options.maxNgramOrder must be an integer from 1 to 100, got 0]`);
    expect(() => corpusBleu(['a'], [['a']], { lowerCase: true } as never)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: options.lowerCase must be absent (known options: tokenize, lowercase, smoothMethod, smoothValue, maxNgramOrder, effectiveOrder, signature), got an unknown option]`);
  });
  it('unknown scheme or mode, and tags the scheme forbids', () => {
    expect(() => entityF1([['O']], [['O']], { mode: 'strict', scheme: 'IOB3' as TagScheme })).toThrowErrorMatchingInlineSnapshot(`[UnknownNameError: @nlpkit/metrics: options.scheme must be one of IOB1, IOB2, IOE1, IOE2, IOBES, BILOU, BIO, BIOES, got "IOB3"]`);
    expect(() => entityF1([['O']], [['O']], { mode: 'lenient' as never })).toThrowErrorMatchingInlineSnapshot(`[UnknownNameError: @nlpkit/metrics: options.mode must be one of default, strict, got "lenient"]`);
    expect(() => entityF1([['B-PER', 'E-PER']], [['B-PER', 'I-PER']], { mode: 'strict', scheme: 'IOB2' })).toThrowErrorMatchingInlineSnapshot(`[InvalidTagError: @nlpkit/metrics: gold[0][1] must be a tag with prefix I, O, B under scheme IOB2, got "E-PER"]`);
    expect(() => entityF1([['B-PER', 'E-PER']], [['B-PER', 'I-PER']], { mode: 'strict', scheme: 'BIO' })).toThrow(
      /gold\[0\]\[1\] must be a tag with prefix I, O, B under scheme IOB2/,
    );
    expect(() => extractEntities([['Z-PER']], { mode: 'strict', scheme: 'IOB2' })).toThrow(InvalidTagError);
    expect(() => entityF1([['X-PER']], [['O']], { mode: 'strict' })).toThrowErrorMatchingInlineSnapshot(`[InvalidTagError: @nlpkit/metrics: gold[0][0] must be a tag whose prefix is one of I, O, B, E, S, U, L, got "X-PER"]`);
    expect(() => entityF1([['B-PER', 'E-PER'], ['S-LOC', 'L-LOC']], [['O', 'O'], ['O', 'O']], { mode: 'strict' })).toThrowErrorMatchingInlineSnapshot(`[InvalidTagError: @nlpkit/metrics: gold must be tags whose prefixes fit IOB2, IOE2, IOBES or BILOU, so that the scheme can be detected (or pass a scheme), got prefixes B, E, S, L]`);
    expect(() => entityF1([['']], [['O']])).toThrowErrorMatchingInlineSnapshot(`[InvalidTagError: @nlpkit/metrics: gold[0][0] must be a non-empty tag string such as "B-PER" or "O", got ""]`);
  });
  it('gold and predicted tags that do not line up', () => {
    expect(() => entityF1([['O', 'O']], [['O']])).toThrowErrorMatchingInlineSnapshot(`[LengthMismatchError: @nlpkit/metrics: pred[0] must be 2 tags (as many as gold), got 1]`);
    expect(() => tokenAccuracy([['O']], [])).toThrowErrorMatchingInlineSnapshot(`[LengthMismatchError: @nlpkit/metrics: pred must be 1 sentences of tags (as many as gold), got 0]`);
  });
  it('a perplexity without a log base, or with an unknown one', () => {
    expect(() => perplexity([[-1]], undefined as never)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: options.base must be given: { base: 10 } for log10 scores (nlpkit language models, KenLM, ARPA), { base: 'e' } for natural logs (nats), { base: 2 } for bits, got undefined]`);
    expect(() => perplexity([[-1]], {} as never)).toThrow(InvalidArgumentError);
    expect(() => perplexity([[-1]], { base: 3 as never })).toThrowErrorMatchingInlineSnapshot(`[UnknownNameError: @nlpkit/metrics: options.base must be one of 10, e, 2, got 3]`);
  });
  it('a metric asked for a score before any input', () => {
    expect(() => createBleu().compute()).toThrow(EmptyInputError);
  });
  it('a failed update leaves a streaming metric unchanged', () => {
    const metric = createBleu().update(['the cat'], [['the cat']]);
    const before = metric.compute();
    expect(() => metric.update(['a', 'b'], [['a']])).toThrow(LengthMismatchError);
    expect(() => metric.update(['a', 'b'], [['a', 3 as never]])).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: references[0][2] must be a string or null, got 3]`);
    expect(metric.compute()).toEqual(before);
  });
});
