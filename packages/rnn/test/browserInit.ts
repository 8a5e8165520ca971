import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import type { InitBackendOptions } from '@nlpkit/tensor';

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
