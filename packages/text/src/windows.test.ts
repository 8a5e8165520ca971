import { InvalidArgumentError } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { windows } from './windows.js';

describe('windows', () => {
  it('centers a window of k tokens on each side, padded at the edges', () => {
    expect(windows(['la', 'vie', 'est'], 1, '<pad>')).toEqual([
      { index: 0, tokens: ['<pad>', 'la', 'vie'] },
      { index: 1, tokens: ['la', 'vie', 'est'] },
      { index: 2, tokens: ['vie', 'est', '<pad>'] },
    ]);
    expect(windows([7, 8], 0, -1)).toEqual([
      { index: 0, tokens: [7] },
      { index: 1, tokens: [8] },
    ]);
    expect(windows([1], 2, 0)[0]?.tokens).toEqual([0, 0, 1, 0, 0]);
  });

  it('rejects negative or fractional window sizes', () => {
    expect(() => windows(['a'], -1, '')).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: k must be an integer ≥ 0, got -1]`,
    );
    expect(() => windows(['a'], 1.5, '')).toThrow(InvalidArgumentError);
  });
});
