import { beforeAll, describe } from 'vitest';
import type { BackendName } from '../backendCandidates.js';
import { initBackend, type InitBackendOptions } from '../initBackend.js';
import { detectRuntime } from '../runtime.js';

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
      beforeAll(async () => {
        await initBackend({ ...options.init, only: backend, env: {} });
      });
      fn(backend);
    });
  }
}
