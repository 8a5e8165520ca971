import { LengthMismatchError, isAsyncIterable, isIterable } from '@nlpkit/core';
import { PKG, check } from './errors.js';

/** One of the parallel inputs of a metric (hypotheses, a reference stream, gold tags...). */
export interface BatchInput {
  /** An array, a sync iterable or an async iterable (a file reader). */
  readonly items: unknown;
  /** Its name in error messages, e.g. `'references[1]'`. */
  readonly argument: string;
  /** What one item is, plural, for the messages: `'strings'`, `'lines (one per hypothesis)'`. */
  readonly what: string;
}

/** Items read per batch from iterables; arrays are passed whole. */
const BATCH_SIZE = 1024;

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

/**
 * Reads parallel inputs in lockstep and hands them to `onBatch` as columns of equal length (`columns[k]` holds
 * the next items of input k). Arrays are passed whole, without a copy; other iterables in batches, so a corpus
 * read from files is scored without holding every line at once. Returns `undefined` when every input is sync,
 * else a promise: sync input gives a sync result, async input a promise of it.
 *
 * Every input must hold as many items as the first; otherwise a `LengthMismatchError` names the first one that
 * does not (the inputs are read to their ends to count them). Strings are rejected: they are iterable, but as
 * characters, which is never what a metric means.
 */
export function forEachBatch(inputs: readonly BatchInput[], onBatch: (columns: readonly (readonly unknown[])[]) => void): void | Promise<void> {
  let async = false;
  for (const input of inputs) {
    if (isAsyncIterable(input.items)) async = true;
    else if (typeof input.items === 'string' || !isIterable(input.items)) {
      throw check.invalid(input.items, input.argument, `an array, iterable or async iterable of ${input.what}`);
    }
  }
  if (!async && inputs.every((input) => Array.isArray(input.items))) {
    const arrays = inputs.map((input) => input.items as readonly unknown[]);
    checkLengths(inputs, arrays.map((a) => a.length));
    onBatch(arrays);
    return undefined;
  }
  const iterators: AnyIterator[] = inputs.map((input) =>
    isAsyncIterable(input.items) ? input.items[Symbol.asyncIterator]() : (input.items as Iterable<unknown>)[Symbol.iterator](),
  );
  return async ? readAsync(inputs, iterators, onBatch) : readSync(inputs, iterators as Iterator<unknown>[], onBatch);
}

/**
 * The items of one `update` batch as an array: the array itself, or a sync iterable's items. Async input is
 * refused with a pointer to `corpusFunction`, which reads it (an `update` stays synchronous).
 */
export function batchItems(items: unknown, argument: string, what: string, corpusFunction: string): readonly unknown[] {
  if (Array.isArray(items)) return items;
  if (typeof items !== 'string' && isIterable(items)) return Array.from(items);
  throw check.invalid(items, argument, `an array or iterable of ${what} (async input goes to ${corpusFunction}, not update)`);
}

/** `then(result)` after the batches of {@link forEachBatch}: at once for sync input, in a promise for async. */
export function afterBatches<R>(done: void | Promise<void>, then: () => R): R | Promise<R> {
  return done instanceof Promise ? done.then(then) : then();
}

function readSync(inputs: readonly BatchInput[], iterators: Iterator<unknown>[], onBatch: (columns: unknown[][]) => void): void {
  const open = new Set(iterators);
  try {
    let count = 0;
    for (;;) {
      const columns = inputs.map((): unknown[] => []);
      let ended = 0;
      while (ended === 0 && columns[0]!.length < BATCH_SIZE) {
        const results = iterators.map((it) => it.next());
        ended = settle(results, iterators, open, columns);
      }
      if (ended !== 0 && ended !== iterators.length) {
        const counts = iterators.map((it) => count + columns[0]!.length + (open.has(it) ? 1 + drainSync(it, open) : 0));
        checkLengths(inputs, counts);
      }
      if (columns[0]!.length > 0) onBatch(columns);
      count += columns[0]!.length;
      if (ended !== 0) return;
    }
  } finally {
    for (const it of open) it.return?.();
  }
}

async function readAsync(inputs: readonly BatchInput[], iterators: AnyIterator[], onBatch: (columns: unknown[][]) => void): Promise<void> {
  const open = new Set(iterators);
  try {
    let count = 0;
    for (;;) {
      const columns = inputs.map((): unknown[] => []);
      let ended = 0;
      while (ended === 0 && columns[0]!.length < BATCH_SIZE) {
        const results = await Promise.all(iterators.map((it) => it.next()));
        ended = settle(results, iterators, open, columns);
      }
      if (ended !== 0 && ended !== iterators.length) {
        const counts: number[] = [];
        for (const it of iterators) counts.push(count + columns[0]!.length + (open.has(it) ? 1 + (await drainAsync(it, open)) : 0));
        checkLengths(inputs, counts);
      }
      if (columns[0]!.length > 0) onBatch(columns);
      count += columns[0]!.length;
      if (ended !== 0) return;
    }
  } finally {
    await Promise.all([...open].map((it) => it.return?.()));
  }
}

/**
 * Files one step's results into the columns when no input has ended; returns how many inputs ended at this step
 * (those are removed from `open`).
 */
function settle(results: readonly IteratorResult<unknown>[], iterators: readonly AnyIterator[], open: Set<AnyIterator>, columns: unknown[][]): number {
  let ended = 0;
  results.forEach((result, k) => {
    if (result.done === true) {
      ended++;
      open.delete(iterators[k]!);
    }
  });
  if (ended === 0) results.forEach((result, k) => columns[k]!.push(result.value));
  return ended;
}

/** Reads an iterator to its end and returns how many items were left. */
function drainSync(it: Iterator<unknown>, open: Set<AnyIterator>): number {
  let n = 0;
  while (it.next().done !== true) n++;
  open.delete(it);
  return n;
}

async function drainAsync(it: AnyIterator, open: Set<AnyIterator>): Promise<number> {
  let n = 0;
  while ((await it.next()).done !== true) n++;
  open.delete(it);
  return n;
}

function checkLengths(inputs: readonly BatchInput[], counts: readonly number[]): void {
  const expected = counts[0]!;
  counts.forEach((found, k) => {
    if (found !== expected) {
      const input = inputs[k]!;
      throw new LengthMismatchError({ package: PKG, argument: input.argument, expectedLength: expected, foundLength: found, items: input.what });
    }
  });
}
