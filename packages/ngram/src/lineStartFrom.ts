import { readSync } from 'node:fs';

/**
 * The first line start at or after `from` (just past a newline) in the open file `fd` of `size` bytes, or `size` when
 * no newline follows: where the file-cutting readers (`scoreTextFileParallel`, `countKenlmFileOnDisk`) cut a text.
 */
export function lineStartFrom(fd: number, from: number, size: number): number {
  const window = new Uint8Array(1 << 16);
  for (let at = from; at < size; ) {
    const read = readSync(fd, window, 0, Math.min(window.length, size - at), at);
    if (read === 0) break;
    const nl = window.subarray(0, read).indexOf(10);
    if (nl >= 0) return at + nl + 1;
    at += read;
  }
  return size;
}
