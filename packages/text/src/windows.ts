import { check } from './errors.js';

/** One window: the center token's position and the `2k + 1` tokens around it. */
export interface Window<T> {
  /** Index of the center token in the input. */
  readonly index: number;
  /** `k` tokens before, the center, `k` tokens after; padded past the edges. */
  readonly tokens: T[];
}

/**
 * Sliding windows of `k` tokens on each side of every position, for window classification (tagging each token
 * from its neighbours): `windows(['a', 'b'], 1, '<pad>')` → `[<pad> a b]`, `[a b <pad>]`.
 *
 * @param tokens any array
 * @param k tokens on each side, an integer ≥ 0
 * @param pad what fills positions past either edge
 */
export function windows<T, P = T>(tokens: readonly T[], k: number, pad: P): Window<T | P>[] {
  check.array(tokens, 'tokens');
  check.integer(k, 'k', 0);
  const out: Window<T | P>[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const w: (T | P)[] = [];
    for (let j = i - k; j <= i + k; j++) w.push(j < 0 || j >= tokens.length ? pad : (tokens[j] as T));
    out.push({ index: i, tokens: w });
  }
  return out;
}
