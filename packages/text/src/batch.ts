import { isAsyncIterable, isIterable } from '@nlpkit/core';
import { check } from './errors.js';

function* batchSync<T>(items: Iterable<T>, size: number): Generator<T[], void, undefined> {
  let current: T[] = [];
  for (const item of items) {
    current.push(item);
    if (current.length === size) {
      yield current;
      current = [];
    }
  }
  if (current.length > 0) yield current;
}

async function* batchAsync<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[], void, undefined> {
  let current: T[] = [];
  for await (const item of items) {
    current.push(item);
    if (current.length === size) {
      yield current;
      current = [];
    }
  }
  if (current.length > 0) yield current;
}

/**
 * Groups items into arrays of `size` (the last one may be shorter), lazily. A sync iterable (an array) gives a
 * sync generator; an async one (a file reader's output) an async generator, so batches of sentences can stream
 * from `readSentencePerLine(readLines(file))` into `padSequences`.
 *
 * @param size items per batch, an integer ≥ 1
 * @example
 * [...batch([1, 2, 3, 4, 5], 2)] // → [[1, 2], [3, 4], [5]]
 * for await (const sentences of batch(readSentencePerLine(readLines('train.txt')), 32)) { ... }
 */
export function batch<T>(items: Iterable<T>, size: number): Generator<T[], void, undefined>;
export function batch<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[], void, undefined>;
export function batch<T>(
  items: Iterable<T> | AsyncIterable<T>,
  size: number,
): Generator<T[], void, undefined> | AsyncGenerator<T[], void, undefined>;
export function batch<T>(
  items: Iterable<T> | AsyncIterable<T>,
  size: number,
): Generator<T[], void, undefined> | AsyncGenerator<T[], void, undefined> {
  check.integer(size, 'size', 1);
  if (isAsyncIterable(items)) return batchAsync(items as AsyncIterable<T>, size);
  if (isIterable(items) && typeof items !== 'string') return batchSync(items as Iterable<T>, size);
  throw check.invalid(items, 'items', 'an iterable or async iterable');
}
