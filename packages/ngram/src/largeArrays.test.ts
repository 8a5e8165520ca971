import { describe, expect, it } from 'vitest';
import { largeBuffer, largeFloat32Array, largeInt32Array, largeUint32Array, largeUint8Array } from './largeArrays.js';

describe('largeArrays', () => {
  it('gives zeroed arrays of the length asked, in a mapping of their own above 1 MiB on Node', () => {
    expect(largeBuffer(1 << 20).byteLength).toBe(1 << 20);
    expect(largeBuffer((1 << 20) + 4).byteLength).toBeGreaterThan(32 << 20);
    expect(largeBuffer(40 << 20).byteLength).toBe(40 << 20);
    for (const make of [largeInt32Array, largeUint32Array, largeFloat32Array, largeUint8Array]) {
      const a = make(300_000);
      expect(a.length).toBe(300_000);
      expect(a.every((x) => x === 0)).toBe(true);
    }
    expect(largeInt32Array(0).length).toBe(0);
  });
});
