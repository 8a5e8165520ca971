import * as tf from '@tensorflow/tfjs-core';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import { describe, expect, it } from 'vitest';
import { initBackend, type InitBackendOptions } from './initBackend.js';
import { createRng } from '@nlpkit/core';
import { uniform } from './initializers.js';
import { describeBackends, expectClose } from './testing/index.js';

// Bundlers need literal imports; this is how a browser app hands backends to initBackend.
const init: Omit<InitBackendOptions, 'only' | 'prefer'> = {
  modules: {
    '@tensorflow/tfjs-backend-cpu': () => import('@tensorflow/tfjs-backend-cpu'),
    '@tensorflow/tfjs-backend-wasm': () => import('@tensorflow/tfjs-backend-wasm'),
    '@tensorflow/tfjs-backend-webgpu': () => import('@tensorflow/tfjs-backend-webgpu'),
  },
  wasmPaths: {
    'tfjs-backend-wasm.wasm': plain,
    'tfjs-backend-wasm-simd.wasm': simd,
    'tfjs-backend-wasm-threaded-simd.wasm': threaded,
  },
};

async function matmulOn(backend: 'cpu' | 'webgpu' | 'wasm'): Promise<Float32Array> {
  await initBackend({ ...init, only: backend });
  const a = uniform([64, 48], createRng(1), -1, 1);
  const b = uniform([48, 32], createRng(2), -1, 1);
  const c = tf.matMul(a, b);
  const out = (await c.data()) as Float32Array;
  tf.dispose([a, b, c]);
  return out;
}

describe('WebGPU in headless Chromium', () => {
  it('has a WebGPU adapter (SwiftShader here) and runs matmul equal to the cpu result within 1e-5', async () => {
    const expected = await matmulOn('cpu');
    const { name, tried } = await initBackend({ ...init, prefer: 'webgpu' });
    expect(name, JSON.stringify(tried)).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    const actual = await matmulOn('webgpu');
    expectClose(actual, expected, { atol: 1e-5, rtol: 0 });
  });

  it('selects webgpu first in the browser order', async () => {
    const { tried } = await initBackend({ ...init, allowFallbackAdapter: true });
    expect(tried[0]!.name).toBe('webgpu');
  });
});

describeBackends(
  'gradients in the browser',
  () => {
    it('computes d/dx mean(x²)', async () => {
      const g = tf.grad((x: tf.Tensor) => tf.mean(tf.mul(x, x)));
      const dx = g(tf.tensor1d([1, 2, 3, 4]));
      expectClose(await dx.data(), [0.5, 1, 1.5, 2], { atol: 1e-6 });
      const y = tf.mul(tf.tensor1d([1, 2, 3, 4]), tf.scalar(2));
      expectClose(await y.data(), [2, 4, 6, 8], { atol: 1e-6 });
    });
  },
  { init },
);
