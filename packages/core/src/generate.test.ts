import { describe, expect, it } from 'vitest';
import { sortedDescending } from './generate.js';
import { createRng } from './rng.js';

describe('sortedDescending (generate’s radix sort of weights)', () => {
  const native = (v: Float64Array): Float64Array => v.slice().sort().reverse();
  const rng = createRng(3);

  it('orders as the native sort does: continuous, tied, zero, subnormal, and differing only in the low bits', () => {
    const lowBits = (): Float64Array => {
      // Same high word, low words differing: only the passes over the low word can order these.
      const v = new Float64Array(500);
      const words = new Uint32Array(v.buffer);
      for (let i = 0; i < v.length; i++) {
        words[2 * i] = rng.int(2 ** 31) * 2 + rng.int(2);
        words[2 * i + 1] = 0x3fe00000;
      }
      return v;
    };
    const cases: Float64Array[] = [
      new Float64Array(0),
      Float64Array.of(0.5),
      Float64Array.from({ length: 10_000 }, () => 10 ** (-300 * rng.next())),
      Float64Array.from({ length: 3_000 }, () => [0, 1, 0.25, 5e-324, 1e-310, 1][rng.int(6)]!),
      Float64Array.from({ length: 777 }, () => rng.next()),
      lowBits(),
    ];
    for (const v of cases) expect(Array.from(sortedDescending(v))).toEqual(Array.from(native(v)));
  });

  it('leaves its input as it was', () => {
    const v = Float64Array.of(0.1, 0.9, 0.5);
    sortedDescending(v);
    expect(Array.from(v)).toEqual([0.1, 0.9, 0.5]);
  });
});
