import { describe, expect, it } from 'vitest';
import { flatDispatch } from './webgpuProgram.js';

describe('flatDispatch', () => {
  it('keeps one dimension up to 65,535 workgroups (WebGPU\'s guaranteed limit) and spreads over two beyond, covering every workgroup', () => {
    expect(flatDispatch(0)).toEqual([1, 1, 1]);
    expect(flatDispatch(1)).toEqual([1, 1, 1]);
    expect(flatDispatch(65535)).toEqual([65535, 1, 1]);
    for (const n of [65536, 71680, 131070, 131071, 10_000_000]) {
      const [x, y, z] = flatDispatch(n);
      expect(x, `${n}`).toBeLessThanOrEqual(65535);
      expect(y, `${n}`).toBeLessThanOrEqual(65535);
      expect(z).toBe(1);
      expect(x * y, `${n}`).toBeGreaterThanOrEqual(n);
      // No more than one row of x of slack.
      expect(x * y - n, `${n}`).toBeLessThan(y);
    }
    expect(flatDispatch(71680)).toEqual([35840, 2, 1]);
  });
});
