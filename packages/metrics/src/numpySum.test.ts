import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numpySum } from './numpySum.js';

describe('numpySum', () => {
  it('equals the exact sum for integers of any count (every branch of the pairwise split)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 400 }), (xs) => {
        expect(numpySum(xs)).toBe(xs.reduce((a, b) => a + b, 0));
      }),
    );
  });
  it('groups eight accumulators like numpy, which a left-to-right loop does not', () => {
    // 1e16 absorbs each lone 1 added to it, but numpy first adds the 1s to each other in separate accumulators:
    // ((1e16 + 1) + (1 + 1)) + ((1 + 1) + (1 + 1)) = 1e16 + 6 (np.sum gives 1.0000000000000006e+16).
    const xs = [1e16, 1, 1, 1, 1, 1, 1, 1];
    expect(numpySum(xs)).toBe(1e16 + 6);
    expect(xs.reduce((a, b) => a + b, 0)).toBe(1e16);
  });
});
