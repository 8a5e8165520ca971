import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '@nlpkit/core';
import { initBackend } from '@nlpkit/tensor';
import { dropoutMask } from './dropoutMask.js';

describe('dropoutMask', () => {
  it('draws the same mask from a generator with fill as from next() alone, and leaves the stream at the same place', async () => {
    await initBackend({ only: 'cpu' });
    for (const [shape, rate] of [[[3, 5], 0.5], [[2, 40, 7], 0.3], [[1000], 0.9], [[4, 0], 0.5]] as const) {
      const fast = createRng(11);
      const slow = createRng(11);
      // Only next() and normal(): the loop over next().
      const plain = { next: () => slow.next(), normal: () => slow.normal() };
      const a = dropoutMask(shape, rate, fast);
      const b = dropoutMask(shape, rate, plain);
      const values = a.dataSync();
      expect(Array.from(values)).toEqual(Array.from(b.dataSync()));
      expect(a.shape).toEqual(shape);
      expect(fast.next()).toBe(slow.next());
      const keep = Math.fround(1 / (1 - rate));
      expect(values.every((v) => v === 0 || v === keep)).toBe(true);
      if (values.length >= 1000) {
        const dropped = values.filter((v) => v === 0).length / values.length;
        expect(Math.abs(dropped - rate)).toBeLessThan(0.05);
      }
      tf.dispose([a, b]);
    }
  });
});
