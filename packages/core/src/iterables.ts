/** A sync or async iterable: what a pipeline stage accepts, so a file reader (async) and an array (sync) both fit. */
export type AnyIterable<T> = Iterable<T> | AsyncIterable<T>;

/** Whether `value` is an async iterable (has `Symbol.asyncIterator`). Strings and arrays are not. */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/** Whether `value` is a sync iterable (has `Symbol.iterator`), strings included. */
export function isIterable(value: unknown): value is Iterable<unknown> {
  return (
    value !== null &&
    value !== undefined &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

/**
 * Iterates a sync or async iterable as an async one. Sync items are yielded without one microtask per item
 * where possible, so wrapping an in-memory array costs little.
 */
export async function* toAsyncIterable<T>(items: AnyIterable<T>): AsyncGenerator<T, void, undefined> {
  yield* items;
}

/** Collects a sync or async iterable into an array. */
export async function collect<T>(items: AnyIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
