import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../initBackend.js';
import { expectClose, expectCloseAsync } from './expectClose.js';

// Headless Chromium's WebGPU (SwiftShader) reads tensors synchronously as zeros, without an error: expectClose
// must refuse a tensor there rather than compare zeros, and expectCloseAsync must read the real values.
describe('expectClose on webgpu', () => {
  it('refuses tensors (synchronous reads give zeros here); expectCloseAsync compares the real values', async () => {
    await initBackend({ only: 'webgpu', modules: { '@tensorflow/tfjs-backend-webgpu': () => import('@tensorflow/tfjs-backend-webgpu') }, allowFallbackAdapter: true });
    const t = tf.relu(tf.tensor1d([0, 0, 0]));
    expect(() => expectClose(t, [0, 0, 0], { atol: 0 })).toThrow(/use expectCloseAsync/);
    const u = tf.add(tf.tensor1d([1, 2, 3]), 1);
    await expectCloseAsync(u, [2, 3, 4], { atol: 0 });
    tf.dispose([t, u]);
  });
});
