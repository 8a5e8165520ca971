import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorInfoMap, Tensor2D, TensorInfo } from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@nlpkit/core';
import { PKG } from '../errors.js';
import { heapMemory, offsetOf, type WasmBackend } from '../kernels/wasmGemmEngine.js';
import { isHostBackend } from '../isHostBackend.js';
import { onWasmHeap } from './splitLeading.js';

const SPLIT_COLUMNS = 'NlpkitWasmSplitColumns';

function splitColumnsKernel(inputs: NamedTensorInfoMap, backend: WasmBackend, widths: readonly number[]): TensorInfo[] {
  const x = inputs['x'] as TensorInfo;
  const [rows, cols] = x.shape as [number, number];
  const outs = widths.map((w) => backend.makeOutput([rows, w], x.dtype));
  // The view after every allocation: the heap may have grown.
  const heap = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
  const from = offsetOf(backend, x) >>> 2;
  let col = 0;
  outs.forEach((out, k) => {
    const w = widths[k] as number;
    const to = offsetOf(backend, out) >>> 2;
    for (let r = 0; r < rows && w > 0; r += 1) heap.copyWithin(to + r * w, from + r * cols + col, from + r * cols + col + w);
    col += w;
  });
  return outs;
}

/** Registers the kernel (wasm) and its gradient on first use, never at import time. */
function registered(): void {
  if (tf.getKernel(SPLIT_COLUMNS, 'wasm') !== undefined) return;
  tf.registerKernel({
    kernelName: SPLIT_COLUMNS,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => splitColumnsKernel(inputs, backend as WasmBackend, attrs?.['widths'] as number[]),
  });
  // A kernel with one output gets its gradient as a bare tensor, not an array of one.
  tf.registerGradient({ kernelName: SPLIT_COLUMNS, gradFunc: (dy) => ({ x: () => tf.concat(Array.isArray(dy) ? dy : [dy], 1) }) });
}

/**
 * `tf.split(x, parts, 1)` for a `[rows, cols]` matrix: `parts` column blocks of equal width, or blocks of the
 * given widths (non-negative integers summing to `cols`); differentiable.
 *
 * On wasm it is one kernel of our own that copies each block's rows inside tfjs's heap: tfjs-backend-wasm's
 * SplitV and Slice first copy the whole input out to JavaScript, once per part, and a seq2seq training step's
 * garbage collections were mostly those copies. On the cpu backend, where no gradient is recorded (inside a
 * custom-gradient op), the blocks are copied in JavaScript: its SplitV takes ~15 ms for a `[20, 800]` matrix.
 * Elsewhere, and under a tape on cpu, it is `tf.split`.
 */
export function splitColumns(x: Tensor2D, parts: number | readonly number[]): Tensor2D[] {
  const [rows, cols] = x.shape;
  const widths = typeof parts !== 'number' ? [...parts] : Number.isInteger(parts) && parts > 0 ? new Array<number>(parts).fill(cols / parts) : [];
  if (widths.length === 0 || !widths.every((w) => Number.isInteger(w) && w >= 0) || widths.reduce((a, b) => a + b, 0) !== cols) {
    throw new InvalidArgumentError({
      package: PKG,
      argument: 'parts',
      expected: `a number of equal blocks that divides x's ${cols} columns, or block widths summing to ${cols}`,
      found: parts,
    });
  }
  if (onWasmHeap(x)) {
    registered();
    return tf.engine().runKernel(SPLIT_COLUMNS, { x }, { widths }) as unknown as Tensor2D[];
  }
  if (!isHostBackend() || x.dtype !== 'float32' || tf.engine().isTapeOn()) return tf.split(x, widths, 1);
  const values = x.dataSync() as Float32Array;
  const out: Tensor2D[] = [];
  let col = 0;
  for (const w of widths) {
    const block = new Float32Array(rows * w);
    for (let r = 0; r < rows; r += 1) block.set(values.subarray(r * cols + col, r * cols + col + w), r * w);
    out.push(tf.tensor2d(block, [rows, w]));
    col += w;
  }
  return out;
}
