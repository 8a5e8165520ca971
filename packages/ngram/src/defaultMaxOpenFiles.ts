import { readFileSync, readdirSync } from 'node:fs';

/** The default of `maxOpenFiles` where the process's file-handle limit cannot be read. */
export const MAX_OPEN_FILES = 64;

/**
 * How many files on-disk counting may open at once when the caller does not say: {@link MAX_OPEN_FILES}, or less
 * when the process's soft limit on open files (`ulimit -n`, read from `/proc/self/limits` on Linux) leaves less
 * room — half of the handles still free, at least 3 — so a low limit slows the merge instead of failing it.
 */
export function defaultMaxOpenFiles(): number {
  let soft: number;
  let open: number;
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    soft = Number(line?.split(/\s+/)[3]);
    open = readdirSync('/proc/self/fd').length;
  } catch {
    return MAX_OPEN_FILES;
  }
  if (!Number.isFinite(soft) || soft <= 0) return MAX_OPEN_FILES;
  return Math.max(3, Math.min(MAX_OPEN_FILES, Math.floor((soft - open) / 2)));
}
