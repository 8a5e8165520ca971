import { InvalidArgumentError } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { everygrams, ngrams, skipgrams } from './ngrams.js';

describe('ngrams', () => {
  it('makes n-grams, optionally padded', () => {
    expect(ngrams(['a', 'b', 'c'], 2)).toEqual([['a', 'b'], ['b', 'c']]);
    expect(ngrams(['a', 'b'], 3, { padLeft: '<s>', padRight: '</s>' })).toEqual([
      ['<s>', '<s>', 'a'],
      ['<s>', 'a', 'b'],
      ['a', 'b', '</s>'],
      ['b', '</s>', '</s>'],
    ]);
    expect(ngrams(['a'], 2)).toEqual([]);
  });

  it('makes everygrams', () => {
    expect(everygrams(['a', 'b', 'c'], 1, 2)).toEqual([['a'], ['a', 'b'], ['b'], ['b', 'c'], ['c']]);
  });

  it('makes k-skip-n-grams; k = 0 gives n-grams', () => {
    expect(skipgrams(['a', 'b', 'c', 'd'], 2, 1)).toEqual([['a', 'b'], ['a', 'c'], ['b', 'c'], ['b', 'd'], ['c', 'd']]);
    // The Guthrie et al. example: 2-skip-bi-grams of "Insurgents killed in ongoing fighting".
    const s = ['Insurgents', 'killed', 'in', 'ongoing', 'fighting'];
    expect(skipgrams(s, 2, 2).map((g) => g.join(' '))).toEqual([
      'Insurgents killed', 'Insurgents in', 'Insurgents ongoing', 'killed in', 'killed ongoing', 'killed fighting',
      'in ongoing', 'in fighting', 'ongoing fighting',
    ]);
    expect(skipgrams(s, 3, 0)).toEqual(ngrams(s, 3));
  });

  it('rejects bad orders and skips', () => {
    expect(() => ngrams(['a'], 0)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/text: n must be an integer ≥ 1, got 0]`);
    expect(() => skipgrams(['a'], 2, -1)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/text: k must be an integer ≥ 0, got -1]`);
    expect(() => everygrams(['a'], 3, 2)).toThrow(InvalidArgumentError);
    expect(() => ngrams('abc' as unknown as string[], 2)).toThrow(InvalidArgumentError);
  });
});
