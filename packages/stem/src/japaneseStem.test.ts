import { InvalidArgumentError } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { japaneseStem } from './node.js';

describe('japaneseStem (@nlpkit/stem/node)', () => {
  it("stems katakana words as natural's Japanese stemmer does", () => {
    expect(japaneseStem('コンピューター')).toBe('コンピュータ');
  });

  it('rejects non-strings with a typed error', () => {
    expect(() => japaneseStem(3 as never)).toThrow(InvalidArgumentError);
  });
});
