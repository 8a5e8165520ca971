import { InvalidArgumentError } from './errors.js';

const PKG = '@nlpkit/core';

/** Serialisable state of an {@link Rng}: store it in a checkpoint and `setState` it to resume exactly. */
export interface RngState {
  readonly algorithm: 'xoshiro128**';
  readonly s: readonly [number, number, number, number];
}

/** A seeded pseudo-random generator (xoshiro128**): the same seed gives the same stream in every runtime. */
export interface Rng {
  /** A uniform float in [0, 1) with 53 random bits. */
  next(): number;
  /**
   * Fills `out` with the next `out.length` numbers {@link next} would give, in order (the same stream, ~2× faster
   * than calling it: dropout masks draw tens of thousands a step), and returns it.
   */
  fill(out: Float64Array): Float64Array;
  /** An unsigned 32-bit integer. */
  nextUint32(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** A normal deviate (Box-Muller). */
  normal(mean?: number, std?: number): number;
  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
  /** A snapshot of the generator's state. */
  getState(): RngState;
  /** Restores a snapshot taken with `getState`. */
  setState(state: RngState): void;
}

/**
 * Creates a seeded generator. The seed is expanded with splitmix32 so nearby seeds give unrelated streams.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.next(); // always the same first number for seed 42
 * ```
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError({ package: PKG, argument: 'seed', expected: 'a safe integer', found: seed });
  }
  const s = new Uint32Array(4);
  let x = (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    s[i] = (z ^ (z >>> 16)) >>> 0;
  }
  if (s[0] === 0 && s[1] === 0 && s[2] === 0 && s[3] === 0) s[0] = 1;

  const nextUint32 = (): number => {
    const s0 = s[0]!, s1 = s[1]!, s2 = s[2]!, s3 = s[3]!;
    const r = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s[2] = s2 ^ s0;
    s[3] = s3 ^ s1;
    s[1] = s1 ^ s[2]!;
    s[0] = s0 ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return r;
  };
  const next = (): number => ((nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6)) / 9007199254740992;

  const fill = (out: Float64Array): Float64Array => {
    // nextUint32 twice per number, on the state in local int32 variables (V8 keeps them in registers).
    let s0 = s[0]! | 0, s1 = s[1]! | 0, s2 = s[2]! | 0, s3 = s[3]! | 0;
    for (let i = 0; i < out.length; i++) {
      let a = Math.imul(s1, 5);
      const hi = Math.imul((a << 7) | (a >>> 25), 9);
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      a = Math.imul(s1, 5);
      const lo = Math.imul((a << 7) | (a >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = ((hi >>> 5) * 67108864 + (lo >>> 6)) / 9007199254740992;
    }
    s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;
    return out;
  };

  return {
    next,
    fill,
    nextUint32,
    int(n: number): number {
      if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) {
        throw new InvalidArgumentError({ package: PKG, argument: 'n', expected: 'an integer from 1 to 2^32', found: n });
      }
      return Math.floor(next() * n);
    },
    normal(mean = 0, std = 1): number {
      let u = next();
      while (u === 0) u = next();
      const v = next();
      return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = items[i]!;
        items[i] = items[j]!;
        items[j] = tmp;
      }
      return items;
    },
    getState(): RngState {
      return { algorithm: 'xoshiro128**', s: [s[0]!, s[1]!, s[2]!, s[3]!] };
    },
    setState(state: RngState): void {
      const ok =
        state?.algorithm === 'xoshiro128**' &&
        Array.isArray(state.s) &&
        state.s.length === 4 &&
        state.s.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32) &&
        state.s.some((v) => v !== 0);
      if (!ok) {
        throw new InvalidArgumentError({
          package: PKG,
          argument: 'state',
          expected: 'an RngState {algorithm: "xoshiro128**", s: four uint32 values, not all 0}',
          found: state,
        });
      }
      s.set(state.s);
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
