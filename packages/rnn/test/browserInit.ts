import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import * as tf from '@tensorflow/tfjs-core';
import type { InitBackendOptions } from '@nlpkit/tensor';
import { afterAll, beforeAll } from 'vitest';

/**
 * How the Chromium suites hand backends to `describeBackends`: literal imports (a bundler resolves only those)
 * and the wasm binaries' URLs as Vite serves them. WebGPU runs on the SwiftShader adapter here.
 */
export const browserInit: Omit<InitBackendOptions, 'only' | 'prefer'> = {
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

/** tfjs-backend-webgpu's flag choosing the matmul shader (-1: by shape; 3: the tiled "packed" program). */
const MATMUL_PROGRAM = 'WEBGPU_MATMUL_PROGRAM_TYPE';

/**
 * Makes the calling suite's matmuls on webgpu use tfjs's tiled ("packed") program instead of the one it picks by
 * shape. Why: for outputs of at most 128 elements tfjs picks `MatMulReduceProgram`, a 256-invocation workgroup
 * reduction full of barriers, which SwiftShader (the software adapter here) runs ~100× slower than the tiled
 * program — measured 15 ms against 0.15 ms for `[2, 3] · [3, 12]` — so a thousand-step loop of tiny matmuls would
 * take minutes. Only for suites whose subject is not tfjs's matmul: the parity suites keep tfjs's own choice.
 * Call it at the top of a suite body given to `describeBackends`, with that suite's backend.
 */
export function useTiledMatMulOnWebgpu(backend: string): void {
  if (backend !== 'webgpu') return;
  let before: number | undefined;
  beforeAll(() => {
    before = tf.env().getNumber(MATMUL_PROGRAM);
    tf.env().set(MATMUL_PROGRAM, 3);
  });
  afterAll(() => {
    if (before !== undefined) tf.env().set(MATMUL_PROGRAM, before);
  });
}
