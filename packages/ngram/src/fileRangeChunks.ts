import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Bytes [start, end) of the file at `path` (to its end by default), 1 MiB at a time, read synchronously into one
 * buffer: each chunk must be consumed before the next is read. What the on-disk counters of a file read.
 */
export function* fileRangeChunks(path: string, start = 0, end = Infinity): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(1 << 20);
    for (let at = start; at < end; ) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - at), at);
      if (read === 0) return;
      at += read;
      yield buffer.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}
