import { isAsyncIterable, type FormatError } from '@nlpkit/core';
import { checkLines, formatError, lineText, type Lines, type ReadResult } from './lines.js';

function parallelError(shorter: 'source' | 'target', n: number): FormatError {
  return formatError(n, `parallel text: ${shorter} has fewer lines than the other side (it ends before line ${n})`);
}

function* parallelSync(source: Iterable<unknown>, target: Iterable<unknown>): Generator<[string, string], void, undefined> {
  const a = source[Symbol.iterator]();
  const b = target[Symbol.iterator]();
  try {
    for (let n = 1; ; n++) {
      const x = a.next();
      const y = b.next();
      if (x.done === true && y.done === true) return;
      if (x.done === true || y.done === true) throw parallelError(x.done === true ? 'source' : 'target', n);
      yield [lineText(x.value, n), lineText(y.value, n)];
    }
  } finally {
    // Close both sides (a file being read, say) whether the pairs ran out, failed or the consumer stopped.
    a.return?.();
    b.return?.();
  }
}

async function* parallelAsync(source: Lines, target: Lines): AsyncGenerator<[string, string], void, undefined> {
  const iterate = (lines: Lines): AsyncIterator<unknown> | Iterator<unknown> =>
    isAsyncIterable(lines) ? lines[Symbol.asyncIterator]() : lines[Symbol.iterator]();
  const a = iterate(source);
  const b = iterate(target);
  try {
    for (let n = 1; ; n++) {
      const [x, y] = await Promise.all([a.next(), b.next()]);
      if (x.done === true && y.done === true) return;
      if (x.done === true || y.done === true) throw parallelError(x.done === true ? 'source' : 'target', n);
      yield [lineText(x.value, n), lineText(y.value, n)];
    }
  } finally {
    await Promise.all([a.return?.(), b.return?.()]);
  }
}

/**
 * Reads parallel text (two files with aligned lines, like Multi30k's `train.en` / `train.de`) as `[source,
 * target]` line pairs: sync when both sides are sync, async otherwise. Throws a `FormatError` when one side ends
 * before the other.
 */
export function readParallel<S extends Lines, T extends Lines>(
  source: S,
  target: T,
): S extends AsyncIterable<string> ? AsyncGenerator<[string, string], void, undefined> : ReadResult<T, [string, string]>;
export function readParallel(
  source: Lines,
  target: Lines,
): Generator<[string, string], void, undefined> | AsyncGenerator<[string, string], void, undefined> {
  checkLines(source, 'source');
  checkLines(target, 'target');
  if (!isAsyncIterable(source) && !isAsyncIterable(target)) return parallelSync(source, target);
  return parallelAsync(source, target);
}
