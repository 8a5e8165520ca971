import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorInfoMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@nlpkit/core';
import { PKG } from '../errors.js';
import { heapMemory, offsetOf, type WasmBackend } from '../kernels/wasmGemmEngine.js';

/**
 * `tf.split(x, sizes, 0)` and its gradient, a concatenation along axis 0; differentiable. On the wasm backend both
 * are one memory copy per part inside tfjs's heap (kernels of our own); elsewhere tfjs's SplitV.
 *
 * Why: tfjs-backend-wasm's SplitV slices each part out of a fresh JavaScript copy of the whole input, so splitting
 * an LSTM sequence kernel's `[T + 2, 20, 200]` output into outputs, last h and last c took 3–4 ms per layer (a
 * 2-layer LM step: ~7 ms, ~3% of the step) for 0.6 MB of data; its gradient, Concat, ~1 ms more.
 */
const SPLIT = 'NlpkitWasmSplitLeading';
const CONCAT = 'NlpkitWasmConcatLeading';

/** Floats in one index of axis 0. */
const rowSize = (shape: readonly number[]): number => shape.slice(1).reduce((a, b) => a * b, 1);

function splitKernel(inputs: NamedTensorInfoMap, backend: WasmBackend, sizes: readonly number[]): TensorInfo[] {
  const x = inputs['x'] as TensorInfo;
  const rest = x.shape.slice(1);
  const row = rowSize(x.shape);
  const outs = sizes.map((s) => backend.makeOutput([s, ...rest], x.dtype));
  // The view after every allocation: the heap may have grown.
  const heap = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
  let at = offsetOf(backend, x) >>> 2;
  outs.forEach((out, i) => {
    const n = (sizes[i] as number) * row;
    if (n > 0) heap.copyWithin(offsetOf(backend, out) >>> 2, at, at + n);
    at += n;
  });
  return outs;
}

function concatKernel(inputs: NamedTensorInfoMap, backend: WasmBackend): TensorInfo {
  const parts = Object.keys(inputs).sort((a, b) => Number(a) - Number(b)).map((k) => inputs[k] as TensorInfo);
  const first = parts[0] as TensorInfo;
  const row = rowSize(first.shape);
  const out = backend.makeOutput([parts.reduce((n, p) => n + (p.shape[0] as number), 0), ...first.shape.slice(1)], first.dtype);
  const heap = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
  let at = offsetOf(backend, out) >>> 2;
  for (const part of parts) {
    const n = (part.shape[0] as number) * row;
    const from = offsetOf(backend, part) >>> 2;
    if (n > 0) heap.copyWithin(at, from, from + n);
    at += n;
  }
  return out;
}

/** Registers both kernels (wasm) and their gradients on first use, never at import time. */
function registered(): void {
  if (tf.getKernel(SPLIT, 'wasm') !== undefined) return;
  tf.registerKernel({ kernelName: SPLIT, backendName: 'wasm', kernelFunc: ({ inputs, backend, attrs }) => splitKernel(inputs, backend as WasmBackend, attrs?.['sizes'] as number[]) });
  tf.registerKernel({ kernelName: CONCAT, backendName: 'wasm', kernelFunc: ({ inputs, backend }) => concatKernel(inputs, backend as WasmBackend) });
  // A kernel with one output gets its gradient as a bare tensor, not an array of one.
  tf.registerGradient({ kernelName: SPLIT, gradFunc: (dy) => ({ x: () => concatLeading(Array.isArray(dy) ? dy : [dy]) }) });
  tf.registerGradient({
    kernelName: CONCAT,
    inputsToSave: [],
    gradFunc: (dy, saved, attrs) => {
      const sizes = attrs['sizes'] as number[];
      const parts = splitLeading(dy as Tensor, sizes);
      return Object.fromEntries(parts.map((p, i) => [String(i), () => p]));
    },
  });
}

/** True when the kernels apply: a float32 tensor on the wasm backend with a reachable heap. */
export function onWasmHeap(x: Tensor): boolean {
  return x.dtype === 'float32' && tf.getBackend() === 'wasm' && heapMemory(tf.backend() as unknown as WasmBackend) !== undefined;
}

/**
 * Splits `x` along axis 0 into parts of `sizes` rows (non-negative integers summing to `x.shape[0]`); the
 * gradient concatenates the parts' gradients. Same result as `tf.split(x, sizes, 0)`.
 */
export function splitLeading<T extends Tensor>(x: T, sizes: readonly number[]): T[] {
  const total = x.shape[0];
  if (x.rank === 0 || !sizes.every((s) => Number.isInteger(s) && s >= 0) || sizes.reduce((a, b) => a + b, 0) !== total) {
    throw new InvalidArgumentError({
      package: PKG,
      argument: 'sizes',
      expected: `non-negative integers summing to x.shape[0] (${total ?? 'x is a scalar'})`,
      found: [...sizes],
    });
  }
  if (!onWasmHeap(x)) return tf.split(x, [...sizes], 0);
  registered();
  return tf.engine().runKernel(SPLIT, { x }, { sizes: [...sizes] }) as unknown as T[];
}

/** Concatenates `parts` (same shape but for axis 0) along axis 0: the inverse of {@link splitLeading}. */
export function concatLeading<T extends Tensor>(parts: readonly T[]): T {
  const first = parts[0];
  const same = first !== undefined && parts.every((p) => p.rank === first.rank && p.rank > 0 && p.shape.slice(1).every((d, i) => d === first.shape[i + 1]));
  // tfjs's Concat for what the kernel does not cover (and for its errors on mismatched shapes).
  if (!same || parts.length === 1 || !parts.every(onWasmHeap)) return tf.concat([...parts], 0);
  registered();
  const inputs = Object.fromEntries(parts.map((p, i) => [String(i), p]));
  return tf.engine().runKernel(CONCAT, inputs, { sizes: parts.map((p) => p.shape[0] as number) }) as unknown as T;
}
