import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { filledFloat32Tensor } from './filledFloat32Tensor.js';
import { serializeSafetensors } from './safetensorsFormat.js';
import { loadSafetensors } from './stateDict.js';
import { describeBackends } from './testing/index.js';

/** Every 16-bit pattern once, as the little-endian bytes a safetensors file holds. */
const allHalves = Uint16Array.from({ length: 65536 }, (_, i) => i);

/** IEEE half-precision value of `h`, computed from its definition (not by moving bits, as the loader does). */
function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  if (exp === 0) return sign * frac * 2 ** -24;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** bfloat16 value of `h`: the high 16 bits of a float32. */
function bfloatValue(h: number): number {
  return new Float32Array(new Uint32Array([h << 16]).buffer)[0] as number;
}

/** Safetensors bytes holding `halves` as tensor "x" of `dtype`, placed `shift` bytes into a larger buffer. */
function fileOf(dtype: 'F16' | 'BF16', halves: Uint16Array, shift: number): Uint8Array {
  const bytes = serializeSafetensors(new Map([['x', { dtype, shape: [256, 256], data: new Uint8Array(halves.buffer) }]]));
  const padded = new Uint8Array(bytes.byteLength + shift);
  padded.set(bytes, shift);
  return padded.subarray(shift);
}

describeBackends('filledFloat32Tensor and the 16-bit loads written through it', (backend) => {
  it('makes a float32 tensor of the shape with the values fill writes, and frees it on dispose', () => {
    const before = tf.memory().numTensors;
    const t = filledFloat32Tensor([2, 3], (words, floats) => {
      floats.set([1.5, -2, 0, 3e38, -0, 7]);
      words[5] = 0x7fc00000; // NaN, written as bits
    });
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([2, 3]);
    const values = Array.from(t.dataSync());
    expect(values.slice(0, 5)).toEqual([1.5, -2, 0, Math.fround(3e38), -0]);
    expect(Object.is(values[4], -0)).toBe(true);
    expect(values[5]).toBeNaN();
    // Usable in ops like any other tensor.
    const sum = tf.tidy(() => tf.add(t, tf.onesLike(t)));
    expect(Array.from(sum.dataSync()).slice(0, 2)).toEqual([2.5, -1]);
    tf.dispose([t, sum]);
    expect(tf.memory().numTensors).toBe(before);
    const empty = filledFloat32Tensor([0, 4], () => {});
    expect(empty.shape).toEqual([0, 4]);
    empty.dispose();
  });

  it(`widens every F16 and BF16 bit pattern exactly, from aligned and unaligned file bytes (${backend})`, () => {
    for (const dtype of ['F16', 'BF16'] as const) {
      const expected = Array.from(allHalves, dtype === 'F16' ? halfValue : bfloatValue);
      for (const shift of [0, 1, 2]) {
        const numTensors = tf.memory().numTensors;
        const { tensors } = loadSafetensors(fileOf(dtype, allHalves, shift));
        const x = tensors['x'] as tf.Tensor;
        expect(x.dtype).toBe('float32');
        expect(x.shape).toEqual([256, 256]);
        const got = x.dataSync();
        const wrong: string[] = [];
        expected.forEach((e, i) => {
          const g = got[i] as number;
          if (Number.isNaN(e) ? !Number.isNaN(g) : !Object.is(g, e)) wrong.push(`0x${i.toString(16)}: ${g} (expected ${e})`);
        });
        expect(wrong.slice(0, 5), `${dtype} at byte offset ${shift}`).toEqual([]);
        x.dispose();
        expect(tf.memory().numTensors).toBe(numTensors);
      }
    }
  });
});
