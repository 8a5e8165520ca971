import { describe, expect, it } from 'vitest';
import { formatFloat32 } from './formatFloat32.js';

describe('formatFloat32', () => {
  it('writes the shortest decimal that reads back to the float32, laid out as KenLM (double-conversion) does', () => {
    expect(formatFloat32(0.3)).toBe('0.3'); // not 0.30000001, which toPrecision(8) gives
    expect(formatFloat32(Math.log10(0.5))).toBe('-0.30103');
    expect(formatFloat32(-0.048446618)).toBe('-0.048446618');
    expect(formatFloat32(-99)).toBe('-99');
    expect(formatFloat32(-20)).toBe('-20');
    expect(formatFloat32(-1.2e-7)).toBe('-1.2e-7');
    expect(formatFloat32(-0.000001)).toBe('-0.000001');
    expect(formatFloat32(0)).toBe('0');
    expect(formatFloat32(-Infinity)).toBe('-inf');
  });

  it('rounds a halfway float to the even digit, as lmplz (seen on PTB: -2.73828125 → -2.7382812)', () => {
    expect(formatFloat32(-2.73828125)).toBe('-2.7382812');
    expect(formatFloat32(-1.59765625)).toBe('-1.5976562');
    expect(formatFloat32(-1.37109375)).toBe('-1.3710938'); // …375: the even neighbour is above
  });

  it('reads back to the same float32 for any value', () => {
    const bits = new Uint32Array(1);
    const float = new Float32Array(bits.buffer);
    for (let i = 0; i < 20000; i++) {
      bits[0] = (Math.imul(i, 2654435761) >>> 0) & 0xbf7fffff; // negative and positive, finite
      const x = float[0]!;
      if (!Number.isFinite(x)) continue;
      const text = formatFloat32(x);
      expect(Math.fround(Number(text)), text).toBe(x);
    }
  });
});
