import { InvalidArgumentError, LengthMismatchError } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { forEachBatch } from './forEachBatch.js';

function* count(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}
async function* countAsync(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}
const input = (items: unknown, argument = 'a') => ({ items, argument, what: 'numbers' });

describe('forEachBatch', () => {
  it('passes arrays whole, without a copy, and returns synchronously', () => {
    const a = [1, 2, 3];
    const b = ['x', 'y', 'z'];
    const seen: unknown[][] = [];
    expect(forEachBatch([input(a), input(b, 'b')], (columns) => seen.push([...columns]))).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toBe(a);
    expect(seen[0]![1]).toBe(b);
  });
  it('reads iterables in lockstep, in batches of 1024', () => {
    const sizes: number[] = [];
    const firsts: unknown[] = [];
    forEachBatch([input(count(2500)), input([...count(2500)].map(String), 'b')], ([a, b]) => {
      sizes.push(a!.length);
      firsts.push([a![0], b![0]]);
    });
    expect(sizes).toEqual([1024, 1024, 452]);
    expect(firsts).toEqual([[0, '0'], [1024, '1024'], [2048, '2048']]);
  });
  it('returns a promise when any input is async, with the same batches', async () => {
    const sizes: number[] = [];
    const done = forEachBatch([input(count(1030)), input(countAsync(1030), 'b')], ([a, b]) => {
      expect(a).toEqual(b);
      sizes.push(a!.length);
    });
    expect(done).toBeInstanceOf(Promise);
    await done;
    expect(sizes).toEqual([1024, 6]);
  });
  it('counts both sides of a mismatch, whichever runs out first', async () => {
    const mismatch = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error as LengthMismatchError;
      }
      throw new Error('no error');
    };
    const short = mismatch(() => forEachBatch([input(count(10)), input(count(7), 'b')], () => {}));
    expect([short.argument, short.expectedLength, short.foundLength]).toEqual(['b', 10, 7]);
    const long = mismatch(() => forEachBatch([input(count(3)), input(count(3), 'b'), input(count(2000), 'c')], () => {}));
    expect([long.argument, long.expectedLength, long.foundLength]).toEqual(['c', 3, 2000]);
    await expect(forEachBatch([input(countAsync(5)), input([1, 2], 'b')], () => {})).rejects.toThrow(LengthMismatchError);
    expect(() => forEachBatch([input([1, 2]), input([1], 'b')], () => {})).toThrow(LengthMismatchError);
  });
  it('calls onBatch with nothing for empty inputs', () => {
    let calls = 0;
    forEachBatch([input(count(0)), input(count(0), 'b')], () => calls++);
    expect(calls).toBe(0);
  });
  it('refuses strings and non-iterables', () => {
    expect(() => forEachBatch([input('abc')], () => {})).toThrow(InvalidArgumentError);
    expect(() => forEachBatch([input(42)], () => {})).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: a must be an array, iterable or async iterable of numbers, got 42]`);
  });
});
