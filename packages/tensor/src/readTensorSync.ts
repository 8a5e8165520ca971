import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { UnsupportedError } from '@nlpkit/core';

/** Backends whose synchronous read-back cannot be trusted: tfjs-backend-webgpu reads through a canvas. */
const NO_SYNC_READ: ReadonlySet<string> = new Set(['webgpu']);

/** False on backends where `dataSync()` is not to be used (webgpu); true on cpu, wasm, tfjs-node and WebGL. */
export function canReadSync(): boolean {
  return !NO_SYNC_READ.has(tf.getBackend());
}

/** Who asks for a synchronous read, for the error when it cannot be done. */
export interface SyncReadCaller {
  /** The package that reads, e.g. `'@nlpkit/rnn'`. */
  readonly package: string;
  /** The function or method that reads, e.g. `'encodeRecurrentLm'`. */
  readonly what: string;
  /** What to call instead, e.g. `'encodeRecurrentLmAsync'`. */
  readonly alternative: string;
}

/**
 * Throws an `UnsupportedError` (`ERR_UNSUPPORTED`) naming `caller.alternative` when the active backend cannot
 * read tensors synchronously. Why: tfjs-backend-webgpu's `dataSync()` reads through a canvas, and in headless
 * Chromium (SwiftShader) that returns zeros without an error — and caches them, so a later `await data()` of the
 * same tensor is zeros too. A sync API that would silently return zeros throws this instead.
 */
export function checkSyncRead(caller: SyncReadCaller): void {
  if (canReadSync()) return;
  throw new UnsupportedError({
    package: caller.package,
    argument: caller.what,
    expected: `a backend that reads tensors synchronously (cpu, wasm, tensorflow, webgl); on ${tf.getBackend()} use ${caller.alternative}`,
    foundText: `the ${tf.getBackend()} backend`,
  });
}

/** `t.dataSync()` after {@link checkSyncRead}: the values, or the typed error naming the async alternative. */
export function readTensorSync(t: Tensor, caller: SyncReadCaller): Float32Array | Int32Array | Uint8Array {
  checkSyncRead(caller);
  return t.dataSync() as Float32Array | Int32Array | Uint8Array;
}
