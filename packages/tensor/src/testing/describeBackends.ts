import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe } from 'vitest';
import type { BackendName } from '../backendCandidates.js';
import { initBackend, type InitBackendOptions } from '../initBackend.js';
import { detectRuntime } from '../runtime.js';

/** tfjs-backend-webgpu's flag: run ops on small host-resident inputs with the cpu backend's kernels. */
const CPU_FORWARD = 'WEBGPU_CPU_FORWARD';

/** Options of {@link describeBackends}. */
export interface DescribeBackendsOptions {
  /** Backends to run on; default: every one testable in this runtime (see {@link testBackends}). */
  readonly backends?: readonly BackendName[];
  /** Passed to `initBackend` (browser suites pass literal `modules` loaders here). */
  readonly init?: Omit<InitBackendOptions, 'only' | 'prefer'>;
}

/**
 * The backends a numeric suite runs on in this runtime: cpu and wasm in Node; cpu, wasm and — where the browser
 * exposes `navigator.gpu` — webgpu in a browser. `NLPKIT_TEST_BACKENDS=cpu,wasm` narrows the list.
 */
export function testBackends(): BackendName[] {
  const runtime = detectRuntime();
  const list: BackendName[] = ['cpu', 'wasm'];
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (runtime === 'browser' && nav?.gpu !== undefined) list.push('webgpu');
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const narrow = env?.['NLPKIT_TEST_BACKENDS'];
  if (narrow) {
    const wanted = new Set(narrow.split(',').map((s) => s.trim()));
    return list.filter((b) => wanted.has(b));
  }
  return list;
}

/**
 * Runs one suite once per backend: `describe("<name> [<backend>]")`, with the backend activated (and nothing
 * else tried) before the suite's tests. Write a numeric test once; it runs everywhere.
 *
 * On webgpu the suite also turns off tfjs-backend-webgpu's CPU forwarding (`WEBGPU_CPU_FORWARD`) while it runs:
 * by default an op whose inputs all still sit in host memory and have fewer than 1,000 elements — every tensor a
 * unit test makes — runs on the cpu backend's kernels, so a small test would not test the GPU's kernels at all.
 * Read values back with `expectCloseAsync` there (see its notes).
 *
 * @example
 * ```ts
 * describeBackends('matMul', (backend) => {
 *   it('multiplies', () => expectClose(tf.matMul(a, b), expected, { atol: 1e-6 }));
 * });
 * ```
 */
export function describeBackends(
  name: string,
  fn: (backend: BackendName) => void,
  options: DescribeBackendsOptions = {},
): void {
  for (const backend of options.backends ?? testBackends()) {
    describe(`${name} [${backend}]`, () => {
      let forward: boolean | undefined;
      beforeAll(async () => {
        await initBackend({ ...options.init, only: backend, env: {} });
        if (backend === 'webgpu') {
          forward = tf.env().getBool(CPU_FORWARD);
          tf.env().set(CPU_FORWARD, false);
        }
      });
      afterAll(() => {
        if (forward !== undefined) tf.env().set(CPU_FORWARD, forward);
      });
      fn(backend);
    });
  }
}
