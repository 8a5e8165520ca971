import * as tf from '@tensorflow/tfjs-core';
import { availableParallelism } from 'node:os';
import { afterAll, expect, it } from 'vitest';
import { matMul } from '../ops/matMul.js';
import { describeBackends } from '../testing/index.js';
import { DEFAULT_MAX_THREADS, defaultThreadCount } from './wasmGemmThreads.js';
import { configureWasmGemm, disposeWasmGemm, wasmGemmStats } from './wasmKernels.js';

// The wasm GEMM's thread count when nothing chooses one: the cores (at most 4) in Node, which can always share
// memory between threads; NLPKIT_WASM_THREADS and configureWasmGemm still choose. The kernel's state lives on
// tfjs's registry of this test file's module graph, fresh here: nothing has configured it yet.
const saved = process.env['NLPKIT_WASM_THREADS'];
afterAll(() => {
  if (saved === undefined) delete process.env['NLPKIT_WASM_THREADS'];
  else process.env['NLPKIT_WASM_THREADS'] = saved;
  disposeWasmGemm();
});

it('defaults to the cores this process may use, at most DEFAULT_MAX_THREADS', () => {
  expect(DEFAULT_MAX_THREADS).toBe(4);
  expect(defaultThreadCount()).toBe(Math.min(DEFAULT_MAX_THREADS, availableParallelism()));
});

describeBackends(
  'the wasm GEMM engine takes the default',
  () => {
    it('with NLPKIT_WASM_THREADS unset: the default count; then NLPKIT_WASM_THREADS=1 and configureWasmGemm choose', () => {
      delete process.env['NLPKIT_WASM_THREADS'];
      const product = (): void => tf.tidy(() => void matMul(tf.ones([4, 8]), tf.ones([8, 4])).dataSync());
      product();
      expect(wasmGemmStats()?.threads).toBe(defaultThreadCount());
      // The environment is read when an engine starts: a new one (after a dispose) reads it again.
      process.env['NLPKIT_WASM_THREADS'] = '1';
      disposeWasmGemm();
      product();
      expect(wasmGemmStats()?.threads).toBe(1);
      configureWasmGemm({ threads: 3 });
      product();
      expect(wasmGemmStats()?.threads).toBe(3);
    });
  },
  { backends: ['wasm'] },
);
