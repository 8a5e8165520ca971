import * as tf from '@tensorflow/tfjs-core';

/** Where code that reads tensors synchronously runs (see {@link prepareSyncReads}). */
export interface SyncReads {
  /** The tfjs backend synchronous code runs on. */
  readonly backend: string;
  /** Why it differs from the main backend, when it does. */
  readonly reason?: string;
  /** Runs `fn` (synchronous: no await inside) with {@link backend} active, then restores the main backend. */
  run<T>(fn: () => T): T;
}

/**
 * The `LanguageModel` contract and a tagger's `predict` read tensors synchronously (`dataSync`), as they must:
 * scoring a token is a plain function call. On WebGPU a synchronous read goes through canvases
 * (`OffscreenCanvas` → 2D `drawImage`), which fails in headless Chromium on a software adapter and loses the
 * device for everything else. So with WebGPU the demo keeps its models for synchronous use on the cpu backend and
 * switches to it around each such call; training and the gradient panel, which read asynchronously, stay on
 * WebGPU. tfjs switches between already initialised backends synchronously, so nothing else can run in between.
 */
export async function prepareSyncReads(main: string): Promise<SyncReads> {
  if (main !== 'webgpu') return { backend: main, run: (fn) => fn() };
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  await tf.setBackend(main);
  return {
    backend: 'cpu',
    reason: 'WebGPU reads back synchronously only through canvases, which headless browsers and software adapters break',
    run<T>(fn: () => T): T {
      const previous = tf.getBackend();
      void tf.setBackend('cpu');
      try {
        return fn();
      } finally {
        void tf.setBackend(previous);
      }
    },
  };
}
