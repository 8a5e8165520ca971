// Brute-force references for the CRF tests: every tag path of a tiny sequence, scored on the host in float64.
import type { CrfConstraints } from '../../src/tagging/crfConstraints.js';

/** Every sequence of `length` tags from `K`. */
export function allPaths(K: number, length: number): number[][] {
  let paths: number[][] = [[]];
  for (let t = 0; t < length; t++) paths = paths.flatMap((p) => Array.from({ length: K }, (_, k) => [...p, k]));
  return paths;
}

/** Score of one path: start + emissions + transitions + end; −∞ when `constraints` forbid any part. */
export function pathScore(
  path: readonly number[],
  emissions: readonly number[][],
  trans: readonly number[][],
  start: readonly number[],
  end: readonly number[],
  constraints?: CrfConstraints,
): number {
  const K = start.length;
  const ok = (a: Uint8Array | undefined, i: number): boolean => a === undefined || a[i] === 1;
  let s = 0;
  path.forEach((y, t) => {
    if (t === 0) s += ok(constraints?.start, y) ? (start[y] as number) : -Infinity;
    else {
      const p = path[t - 1] as number;
      s += ok(constraints?.transitions, p * K + y) ? (trans[p] as number[])[y] as number : -Infinity;
    }
    s += (emissions[t] as number[])[y] as number;
  });
  const last = path[path.length - 1] as number;
  return s + (ok(constraints?.end, last) ? (end[last] as number) : -Infinity);
}

/** log Σ exp over the finite scores. */
export function logSumExp(values: readonly number[]): number {
  const max = Math.max(...values);
  if (max === -Infinity) return -Infinity;
  return max + Math.log(values.reduce((a, v) => a + Math.exp(v - max), 0));
}
