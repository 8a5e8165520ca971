import { describe, expect, it } from 'vitest';
import { cachedFloat32Bytes, cachedFloat32BytesAt, float32ByteCache, float32Bytes, float32BytesAt, float32Scratch } from './float32Bytes.js';
import { formatFloat32 } from './formatFloat32.js';

const decoder = new TextDecoder();

/** Every float32 the test visits: a spread over all bit patterns, then values a model holds. */
function* samples(): Generator<number> {
  const bits = new Uint32Array(1);
  const float = new Float32Array(bits.buffer);
  for (let i = 0; i < 60_000; i++) {
    bits[0] = Math.imul(i, 2654435761) >>> 0;
    if (Number.isFinite(float[0]!)) yield float[0]!;
  }
  for (let i = 1; i < 30_000; i++) yield Math.fround(-i / 12345.678);
  // Powers of ten and of two (asymmetric rounding intervals) and their neighbours.
  for (let e = -40; e < 39; e++) {
    for (const base of [10 ** e, 2 ** e]) {
      float[0] = base;
      const b = bits[0]!;
      for (let d = -2; d <= 2; d++) {
        bits[0] = b + d;
        if (!Number.isFinite(float[0]!)) continue;
        yield float[0]!;
        yield -float[0]!;
      }
    }
  }
  yield* [0, -2.73828125, -1.59765625, -1.37109375, 0.3, -99, -20, 1e-4, 123456789, 1e8, 999999999, -Infinity, Infinity];
}

describe('float32Bytes', () => {
  it('writes formatFloat32’s text, byte for byte (directly and through the cache)', () => {
    const scratch = float32Scratch();
    const cache = float32ByteCache();
    const out = new Uint8Array(64);
    for (const x of samples()) {
      const expected = formatFloat32(x);
      const end = float32Bytes(x, out, 3, scratch);
      expect(decoder.decode(out.subarray(3, end)), String(x)).toBe(expected);
      for (let twice = 0; twice < 2; twice++) {
        const cached = cachedFloat32Bytes(x, out, 5, cache);
        expect(decoder.decode(out.subarray(5, cached)), String(x)).toBe(expected);
      }
    }
  });

  it('writes the same text from an array and an index (float32 or float64 storage), directly and through the cache', () => {
    const values = Array.from(samples()).filter((x) => Number.isFinite(x));
    const f32 = Float32Array.from(values);
    const f64 = Float64Array.from(f32);
    const scratch = float32Scratch();
    const cache = float32ByteCache();
    const out = new Uint8Array(64);
    for (let i = 0; i < f32.length; i++) {
      const expected = formatFloat32(f32[i]!);
      for (const array of [f32, f64]) {
        expect(decoder.decode(out.subarray(2, float32BytesAt(array, i, out, 2, scratch))), String(f32[i])).toBe(expected);
        expect(decoder.decode(out.subarray(1, cachedFloat32BytesAt(array, i, out, 1, cache))), String(f32[i])).toBe(expected);
      }
    }
  });
});
