import { FormatError, collect, isAsyncIterable } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { readParallel } from './readParallel.js';

async function* lines(...items: string[]): AsyncGenerator<string> {
  for (const item of items) yield item;
}

describe('readParallel', () => {
  it('pairs aligned lines and rejects unequal sides', async () => {
    const pairs = readParallel(['a', 'b'], ['x', 'y']);
    expect(isAsyncIterable(pairs)).toBe(false);
    expect([...pairs]).toEqual([['a', 'x'], ['b', 'y']]);
    expect(await collect(readParallel(lines('a', 'b'), ['x', 'y']))).toEqual([['a', 'x'], ['b', 'y']]);
    expect(() => [...readParallel(['a', 'b'], ['x'])]).toThrowErrorMatchingInlineSnapshot(
      `[FormatError: @nlpkit/text: parallel text: target has fewer lines than the other side (it ends before line 2)]`,
    );
    await expect(collect(readParallel(lines('a'), lines('x', 'y')))).rejects.toThrow(FormatError);
  });

  it('closes both sides when the consumer stops early or one side runs out', () => {
    let closed = 0;
    function* side(...items: string[]): Generator<string> {
      try {
        yield* items;
      } finally {
        closed++;
      }
    }
    for (const pair of readParallel(side('a', 'b'), side('x', 'y'))) {
      expect(pair).toEqual(['a', 'x']);
      break;
    }
    expect(closed).toBe(2);
    expect(() => [...readParallel(side('a'), side('x', 'y', 'z'))]).toThrow(FormatError);
    expect(closed).toBe(4);
  });
});
