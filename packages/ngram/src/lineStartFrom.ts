import { readSync } from 'node:fs';

/**
 * The line start just past the first newline at or after byte `from` of the open file `fd` of `size` bytes (the
 * start of the line after the one `from` is in, or `from` + 1 when it is a newline), or `size` when no newline
 * follows: where the file-cutting readers (`scoreTextFileParallel`, `queryTextFileParallel`,
 * `countKenlmFileOnDisk`) cut a text. Reads 4 KiB first, then windows twice as large up to 64 KiB: a text cut into
 * thousands of chunks (`queryTextFileParallel` on a large file) finds each line end in its first read.
 */
export function lineStartFrom(fd: number, from: number, size: number): number {
  let window = new Uint8Array(FIRST_READ);
  for (let at = from; at < size; ) {
    const read = readSync(fd, window, 0, Math.min(window.length, size - at), at);
    if (read === 0) break;
    const nl = window.subarray(0, read).indexOf(10);
    if (nl >= 0) return at + nl + 1;
    at += read;
    if (window.length < LAST_READ) window = new Uint8Array(window.length * 2);
  }
  return size;
}

/** Bytes of the first read of {@link lineStartFrom}, and the most of one. */
const FIRST_READ = 1 << 12;
const LAST_READ = 1 << 16;
