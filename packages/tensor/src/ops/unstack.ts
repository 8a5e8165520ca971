import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { isHostBackend } from '../isHostBackend.js';
import { onWasmHeap, splitLeading } from './splitLeading.js';

/**
 * Splits `x` along axis 0 into `x.shape[0]` tensors of rank − 1, like `tf.unstack`; differentiable.
 *
 * Why not `tf.unstack`/`tf.slice`: on the wasm backend Slice first copies the *whole* input out of the wasm heap,
 * so taking T steps out of `[T, batch, 4H]` costs O(T²) copying, and Gather runs ~100 ns per element. On wasm the
 * pieces are {@link splitLeading}'s (one copy each inside tfjs's heap; the gradient one concatenation), so
 * nothing is copied out to JavaScript: a seq2seq training step unstacked ~30 MB a step that way, and the
 * garbage collector ran a full collection every step for the external memory. On the cpu backend the values are
 * read once and each step is uploaded as its own tensor (each piece's gradient a Pad); elsewhere (WebGPU, WebGL)
 * a gather per step keeps the data on the device. tf.unstack's gradient also breaks when the axis has length 1
 * (Unpack's gradient gets a bare tensor instead of an array).
 */
export function unstack<T extends Tensor>(x: Tensor): T[] {
  const n = x.shape[0] as number;
  const rest = x.shape.slice(1);
  if (n > 0 && onWasmHeap(x)) return tf.tidy(() => splitLeading(x, new Array<number>(n).fill(1)).map((p) => tf.reshape(p, rest) as T));
  const size = rest.reduce((a, b) => a * b, 1);
  const host = isHostBackend() && x.dtype === 'float32';
  const values = host ? (x.dataSync() as Float32Array) : null;
  const out: T[] = [];
  for (let i = 0; i < n; i += 1) {
    const take = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
      const input = args[0] as Tensor;
      const value =
        values === null
          ? tf.reshape(tf.gather(input, tf.tensor1d([i], 'int32')), rest)
          : tf.tensor(values.slice(i * size, (i + 1) * size), rest, 'float32');
      return {
        value,
        gradFunc: (dy: Tensor) =>
          tf.pad(tf.reshape(dy, [1, ...rest]), [[i, n - 1 - i], ...rest.map((): [number, number] => [0, 0])]),
      };
    });
    out.push(take(x) as T);
  }
  return out;
}
