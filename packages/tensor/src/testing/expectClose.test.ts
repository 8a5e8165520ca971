import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../initBackend.js';
import { expectClose, expectCloseAsync } from './expectClose.js';

describe('expectCloseAsync', () => {
  it('reads tensors asynchronously, keeps the shape check, and names what it compared', async () => {
    await initBackend({ only: 'cpu', env: {} });
    const t = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    await expectCloseAsync(t, [[1, 2], [3, 4.000001]], { atol: 1e-5 });
    await expectCloseAsync(tf.scalar(2), 2, { atol: 0 });
    await expect(expectCloseAsync(t, [1, 2, 3, 4], { atol: 0 })).rejects.toThrow('shapes differ');
    await expect(expectCloseAsync(t, [[1, 2], [3, 5]], { atol: 0.5 }, 'logits')).rejects.toThrow(/^expectClose \(logits\): element 3 is 4, expected 5/);
    expect(() => expectClose([1], [2], { atol: 0 }, 'x')).toThrow(/^expectClose \(x\): element 0/);
    t.dispose();
  });
});
