import type { Runtime } from './runtime.js';

/** Names accepted by `initBackend({ prefer })` and `NLPKIT_BACKEND`. */
export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Every backend name we know, for validating user input. */
export const BACKEND_NAMES: readonly BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * The order we try backends in when the user states no preference: fastest first. In Node, CUDA through
 * tfjs-node-gpu, then native TensorFlow on the CPU, then WebGPU through Dawn (only on a real GPU adapter), then
 * wasm, then the pure-JS cpu backend. In browsers, WebGPU, WebGL, wasm, cpu.
 */
export function defaultOrder(runtime: Runtime): readonly BackendName[] {
  return runtime === 'node'
    ? ['tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu']
    : ['webgpu', 'webgl', 'wasm', 'cpu'];
}

/** The name tfjs registers each backend under (tfjs-node and tfjs-node-gpu share one). */
export function tfjsBackendName(name: BackendName): string {
  return name === 'tfjs-node-gpu' || name === 'tfjs-node' ? 'tensorflow' : name;
}

/** The npm package that provides each backend. */
export function backendPackage(name: BackendName): string {
  switch (name) {
    case 'tfjs-node-gpu':
      return '@tensorflow/tfjs-node-gpu';
    case 'tfjs-node':
      return '@tensorflow/tfjs-node';
    case 'webgpu':
      return '@tensorflow/tfjs-backend-webgpu';
    case 'webgl':
      return '@tensorflow/tfjs-backend-webgl';
    case 'wasm':
      return '@tensorflow/tfjs-backend-wasm';
    case 'cpu':
      return '@tensorflow/tfjs-backend-cpu';
  }
}
