import { describe, expect, it } from 'vitest';
import {
  EmptyInputError,
  InvalidTagError,
  LengthMismatchError,
  UnknownNameError,
  corpusBleu,
  corpusChrf,
  corpusTer,
  createBleu,
  entityF1,
  extractEntities,
  sentenceBleu,
  tokenAccuracy,
  tokenizeBleu,
  type BleuTokenizerName,
  type TagScheme,
} from './index.js';

describe('bad input gives typed errors that name the argument, the expectation and what was found', () => {
  it('hypothesis/reference count mismatch', () => {
    expect(() => corpusBleu(['a', 'b'], [['a']])).toThrowErrorMatchingInlineSnapshot(
      `[LengthMismatchError: @nlpkit/metrics: references[0] must hold 2 lines (one per hypothesis), got 1]`,
    );
    expect(() => corpusChrf(['a'], [['a'], ['a', 'b']])).toThrow(LengthMismatchError);
    expect(() => corpusTer(['a'], [[]])).toThrow(LengthMismatchError);
    expect(() => corpusBleu(['a'], [])).toThrowErrorMatchingInlineSnapshot(
      `[EmptyInputError: @nlpkit/metrics: references (a list of reference streams) must hold at least one item, got none]`,
    );
    expect(() => corpusBleu(['a'], [[null]])).toThrowErrorMatchingInlineSnapshot(
      `[EmptyInputError: @nlpkit/metrics: references for hypotheses[0] must hold at least one item, got none]`,
    );
    expect(() => sentenceBleu('a', 'a' as never)).toThrowErrorMatchingInlineSnapshot(`[TypeError: @nlpkit/metrics: references must be an array, got "a"]`);
  });
  it('unknown tokenizer or smoothing method', () => {
    expect(() => corpusBleu(['a'], [['a']], { tokenize: 'moses' as BleuTokenizerName })).toThrowErrorMatchingInlineSnapshot(
      `[UnknownNameError: @nlpkit/metrics: tokenize must be one of none, 13a, intl, char, zh, got "moses"]`,
    );
    expect(() => tokenizeBleu('a', 'ja-mecab' as BleuTokenizerName)).toThrow(UnknownNameError);
    expect(() => corpusBleu(['a'], [['a']], { smoothMethod: 'add-one' as never })).toThrowErrorMatchingInlineSnapshot(
      `[UnknownNameError: @nlpkit/metrics: smoothMethod must be one of none, floor, add-k, exp, got "add-one"]`,
    );
    expect(() => corpusBleu(['a'], [['a']], { maxNgramOrder: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidNumberError: @nlpkit/metrics: maxNgramOrder must be an integer from 1 to 100, got 0]`,
    );
  });
  it('unknown scheme or mode, and tags the scheme forbids', () => {
    expect(() => entityF1([['O']], [['O']], { mode: 'strict', scheme: 'IOB3' as TagScheme })).toThrowErrorMatchingInlineSnapshot(
      `[UnknownNameError: @nlpkit/metrics: scheme must be one of IOB1, IOB2, IOE1, IOE2, IOBES, BILOU, got "IOB3"]`,
    );
    expect(() => entityF1([['O']], [['O']], { mode: 'lenient' as never })).toThrowErrorMatchingInlineSnapshot(
      `[UnknownNameError: @nlpkit/metrics: mode must be one of default, strict, got "lenient"]`,
    );
    expect(() => entityF1([['B-PER', 'E-PER']], [['B-PER', 'I-PER']], { mode: 'strict', scheme: 'IOB2' })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidTagError: @nlpkit/metrics: gold[0][1] must be a tag with prefix I, O, B under scheme IOB2, got "E-PER"]`,
    );
    expect(() => extractEntities([['Z-PER']], { mode: 'strict', scheme: 'IOB2' })).toThrow(InvalidTagError);
    expect(() => entityF1([['X-PER']], [['O']], { mode: 'strict' })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidTagError: @nlpkit/metrics: gold[0][0] must be a tag whose prefix is one of I, O, B, E, S, U, L, got "X-PER"]`,
    );
    expect(() => entityF1([['B-PER', 'E-PER'], ['S-LOC', 'L-LOC']], [['O', 'O'], ['O', 'O']], { mode: 'strict' })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidTagError: @nlpkit/metrics: gold must be tags whose prefixes fit IOB2, IOE2, IOBES or BILOU, so that the scheme can be detected (or pass a scheme), got "prefixes B, E, S, L"]`,
    );
    expect(() => entityF1([['']], [['O']])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidTagError: @nlpkit/metrics: gold[0][0] must be a non-empty tag string such as "B-PER" or "O", got ""]`,
    );
  });
  it('gold and predicted tags that do not line up', () => {
    expect(() => entityF1([['O', 'O']], [['O']])).toThrowErrorMatchingInlineSnapshot(
      `[LengthMismatchError: @nlpkit/metrics: pred[0] must hold 2 tags (as many as gold), got 1]`,
    );
    expect(() => tokenAccuracy([['O']], [])).toThrowErrorMatchingInlineSnapshot(
      `[LengthMismatchError: @nlpkit/metrics: pred must hold 1 sentences (as many as gold), got 0]`,
    );
  });
  it('a metric asked for a score before any input', () => {
    expect(() => createBleu().compute()).toThrow(EmptyInputError);
  });
  it('a failed update leaves a streaming metric unchanged', () => {
    const metric = createBleu().update(['the cat'], [['the cat']]);
    const before = metric.compute();
    expect(() => metric.update(['a', 'b'], [['a']])).toThrow(LengthMismatchError);
    expect(metric.compute()).toEqual(before);
  });
});
