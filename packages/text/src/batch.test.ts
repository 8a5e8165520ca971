import { InvalidArgumentError } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { batch } from './batch.js';

describe('batch', () => {
  it('groups a sync iterable into a sync generator', () => {
    const out = batch([1, 2, 3, 4, 5], 2);
    expect(Symbol.iterator in out).toBe(true);
    expect([...out]).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('groups an async iterable into an async generator', async () => {
    async function* gen(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      yield 3;
    }
    const out: number[][] = [];
    for await (const b of batch(gen(), 2)) out.push(b);
    expect(out).toEqual([[1, 2], [3]]);
  });

  it('rejects bad sizes and non-iterables at once', () => {
    expect(() => batch([1], 0)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: size must be an integer ≥ 1, got 0]`,
    );
    expect(() => batch('abc' as unknown as string[], 1)).toThrow(InvalidArgumentError);
  });
});
