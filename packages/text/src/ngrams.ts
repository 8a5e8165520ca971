import { check } from './errors.js';

/** Options for {@link ngrams}. */
export interface NgramOptions<T> {
  /** Pad the start with n-1 copies of this (e.g. `'<s>'`), so every token starts an n-gram context. */
  readonly padLeft?: T;
  /** Pad the end with n-1 copies of this (e.g. `'</s>'`). */
  readonly padRight?: T;
}

/**
 * The n-grams of a sequence, in order: `ngrams(['a', 'b', 'c'], 2)` → `[['a', 'b'], ['b', 'c']]`.
 *
 * @param tokens any array (strings, ids, tokens)
 * @param n order, an integer ≥ 1
 */
export function ngrams<T>(tokens: readonly T[], n: number, options: NgramOptions<T> = {}): T[][] {
  check.array(tokens, 'tokens');
  check.integer(n, 'n', 1);
  check.options(options, 'options', ['padLeft', 'padRight']);
  const left = options.padLeft === undefined ? [] : new Array<T>(n - 1).fill(options.padLeft);
  const right = options.padRight === undefined ? [] : new Array<T>(n - 1).fill(options.padRight);
  const seq = [...left, ...tokens, ...right];
  const out: T[][] = [];
  for (let i = 0; i + n <= seq.length; i++) out.push(seq.slice(i, i + n));
  return out;
}

/** All n-grams for every order from `min` to `max`, shortest first at each position. */
export function everygrams<T>(tokens: readonly T[], min: number, max: number): T[][] {
  check.array(tokens, 'tokens');
  check.integer(min, 'min', 1);
  check.integer(max, 'max', min);
  const out: T[][] = [];
  for (let i = 0; i < tokens.length; i++) {
    for (let n = min; n <= max && i + n <= tokens.length; n++) out.push(tokens.slice(i, i + n));
  }
  return out;
}

/**
 * k-skip-n-grams: n-grams whose tokens may skip up to `k` positions in total (Guthrie et al. 2006), in order of
 * their first token, then of their positions. With `k = 0` these are the ordinary n-grams.
 *
 * @example
 * skipgrams(['a', 'b', 'c', 'd'], 2, 1) // → [a b] [a c] [b c] [b d] [c d]
 */
export function skipgrams<T>(tokens: readonly T[], n: number, k: number): T[][] {
  check.array(tokens, 'tokens');
  check.integer(n, 'n', 1);
  check.integer(k, 'k', 0);
  const out: T[][] = [];
  const positions: number[] = [];
  const extend = (last: number, skipsLeft: number): void => {
    if (positions.length === n) {
      out.push(positions.map((p) => tokens[p] as T));
      return;
    }
    for (let skip = 0; skip <= skipsLeft; skip++) {
      const next = last + 1 + skip;
      if (next >= tokens.length) break;
      positions.push(next);
      extend(next, skipsLeft - skip);
      positions.pop();
    }
  };
  for (let start = 0; start < tokens.length; start++) {
    positions.push(start);
    extend(start, k);
    positions.pop();
  }
  return out;
}
