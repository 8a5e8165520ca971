import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from './rng.js';
import { InvalidArgumentError } from './errors.js';

describe('createRng', () => {
  it('gives the same stream for the same seed and different streams for nearby seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('fill gives the numbers next gives, and leaves the state where next would (any seed, lengths, interleaving)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 6 }), (seed, lengths) => {
        const a = createRng(seed);
        const b = createRng(seed);
        for (const n of lengths) {
          expect(Array.from(a.fill(new Float64Array(n)))).toEqual(Array.from({ length: n }, () => b.next()));
          expect(a.nextUint32()).toBe(b.nextUint32());
        }
        expect(a.getState()).toEqual(b.getState());
      }),
    );
  });

  it('resumes exactly from a saved state (JSON round trip)', () => {
    const rng = createRng(7);
    for (let i = 0; i < 100; i++) rng.next();
    const saved = JSON.parse(JSON.stringify(rng.getState()));
    const expected = Array.from({ length: 10 }, () => rng.normal());
    const resumed = createRng(0);
    resumed.setState(saved);
    expect(Array.from({ length: 10 }, () => resumed.normal())).toEqual(expected);
  });

  it('draws uniforms in [0, 1) with the right mean and normals with the right moments', () => {
    const rng = createRng(1);
    const n = 200_000;
    let sum = 0;
    let min = 1;
    let max = 0;
    let nsum = 0;
    let nsq = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
      const z = rng.normal();
      nsum += z;
      nsq += z * z;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(nsum / n)).toBeLessThan(0.01);
    expect(Math.abs(nsq / n - 1)).toBeLessThan(0.02);
  });

  it('int(n) stays in range and shuffle returns a permutation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 1000 }), (seed, n) => {
        const rng = createRng(seed);
        const k = rng.int(n);
        expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
        const items = Array.from({ length: n }, (_, i) => i);
        expect([...rng.shuffle([...items])].sort((x, y) => x - y)).toEqual(items);
      }),
    );
  });

  it('rejects bad seeds and states with typed errors', () => {
    expect(() => createRng(1.5)).toThrow('@nlpkit/core: seed must be a safe integer, got 1.5');
    expect(() => createRng(0).setState({ algorithm: 'xoshiro128**', s: [0, 0, 0, 0] })).toThrow(InvalidArgumentError);
    expect(() => createRng(0).int(0)).toThrow(InvalidArgumentError);
  });
});
