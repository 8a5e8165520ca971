import { readSync } from 'node:fs';
import type { Utf8TextScorer } from './utf8TextScorer.js';

/**
 * Pushes bytes [from, to) of the open file `fd` into `scorer`, 1 MiB at a time (or `buffer`'s length, when given: a
 * thread that reads many ranges reuses one), calling `onLines` with the lines scored so far after each chunk. The
 * reading loop of `scoreTextFileParallel` and of its worker threads.
 */
export function pushFileRange(
  scorer: Utf8TextScorer,
  fd: number,
  from: number,
  to: number,
  onLines?: (lines: number) => void,
  buffer = new Uint8Array(1 << 20),
): void {
  for (let at = from; at < to; ) {
    const read = readSync(fd, buffer, 0, Math.min(buffer.length, to - at), at);
    if (read === 0) break;
    scorer.push(buffer.subarray(0, read));
    onLines?.(scorer.lines);
    at += read;
  }
}
