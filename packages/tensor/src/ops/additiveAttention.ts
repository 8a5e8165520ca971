import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { registerWasmPointwise, wasmAdditiveAttention, wasmAdditiveAttentionGrad } from '../kernels/wasmPointwise.js';
import { matMul, plainMatMul } from './matMul.js';

/**
 * Additive (Bahdanau) attention of `B` queries over a memory of `S` positions: scores
 * `s_{b,j} = tanh(keys[b, j] + query[b]) · v`, weights by a softmax over the positions where `mask` is 1 (exactly 0
 * where it is 0), and the context `Σ_j w_{b,j} · values[b, j]`. `keys: [B, S, A]`, `values: [B, S, H]`,
 * `mask: [B, S]` (1 valid, 0 padding), `query: [B, A]` (already projected), `v: [A, 1]`; all float32. Returns
 * weights `[B, S]` and context `[B, H]`. With `rows` (int32 `[B]`), keys, values and mask are a memory of `N` rows
 * (`[N, S, ·]`) and query row b attends over memory row `rows[b]`: what a decoder's beam rows do without a copy of
 * the memory per row. No argument checks (callers check shapes).
 *
 * When no gradient is being recorded (a decoder step at inference) and the backend is wasm, it runs as one
 * WebAssembly SIMD kernel (`additiveAttention` in `wasmPointwise.wat`: tanh, dot with v, masked softmax and
 * context in one pass per row). tfjs-backend-wasm's Tanh is a scalar loop: on a 32 × 28 × 512 attention step it
 * took 7.7 ms of a 29 ms greedy decoder step. Otherwise it is these ops (differentiable): the masked scores
 * `s + (mask − 1)·1e9`, `softmax(·)·mask`, and a product-and-sum for the context.
 */
export function additiveAttention(
  keys: Tensor3D,
  values: Tensor3D,
  mask: Tensor2D,
  query: Tensor2D,
  v: Tensor2D,
  rows?: Tensor1D,
): { weights: Tensor2D; context: Tensor2D } {
  const [, S, A] = keys.shape;
  const B = query.shape[0];
  const H = values.shape[2];
  const fused = !tf.engine().isTapeOn() && [keys, values, mask, query, v].every((t) => t.dtype === 'float32') && (rows === undefined || rows.dtype === 'int32') &&
    B > 0 && S > 0 && A > 0 && A % 4 === 0 && H % 4 === 0 && registerWasmPointwise();
  return tf.tidy(() => {
    if (fused) {
      const [weights, context] = wasmAdditiveAttention(keys, values, mask, query, tf.reshape(v, [A]) as Tensor1D, rows);
      return { weights, context };
    }
    if (rows !== undefined) {
      [keys, values, mask] = [tf.gather(keys, rows), tf.gather(values, rows), tf.gather(mask, rows)];
    }
    const hidden = tf.tanh(tf.add(keys, tf.reshape(query, [B, 1, A])));
    const scores = tf.reshape<tf.Rank.R2>(matMul(tf.reshape(hidden, [B * S, A]), v), [B, S]);
    // -1e9 on padding underflows to 0 in the softmax; the product with the mask makes it exact on every backend.
    const masked = tf.add<Tensor2D>(scores, tf.mul(tf.sub(mask, 1), 1e9));
    const weights = tf.mul<Tensor2D>(tf.softmax(masked), mask);
    const context = tf.sum<Tensor2D>(tf.mul(values, tf.reshape(weights, [B, S, 1])), 1);
    return { weights, context };
  });
}

/**
 * The gradients of {@link additiveAttention}'s context for the query `[B, A]`, the keys `[B, S, A]` and `v`
 * `[A, 1]`, given the context's gradient `dContext: [B, H]` and the forward pass's `weights: [B, S]` (what a
 * hand-written backward pass keeps; the values' own gradient, `weightsᵀ·dContext` per row, is left to the
 * caller). `tanh(keys + query)` is recomputed. No gradient of its own, no argument checks.
 *
 * On wasm it is one WebAssembly SIMD kernel (`additiveAttentionGrad` in `wasmPointwise.wat`): the ops took about a
 * dozen passes over the `[B, S, A]` attention of every decoder step of a training step's backward pass. Elsewhere
 * these ops: `da = values·dContext`, `de = w·(da − Σ w·da)`, `dKeys = de·v·(1 − u²)`, `dQuery = Σ_s dKeys`,
 * `dv = uᵀ·de`.
 */
export function additiveAttentionGrad(keys: Tensor3D, values: Tensor3D, query: Tensor2D, v: Tensor2D, weights: Tensor2D, dContext: Tensor2D): { dQuery: Tensor2D; dKeys: Tensor3D; dv: Tensor2D } {
  const [B, S, A] = keys.shape;
  const H = values.shape[2];
  const fused = [keys, values, query, v, weights, dContext].every((t) => t.dtype === 'float32') && B > 0 && S > 0 && A > 0 && A % 4 === 0 && H % 4 === 0 && registerWasmPointwise();
  return tf.tidy(() => {
    if (fused) {
      const [dQuery, dKeys, dv] = wasmAdditiveAttentionGrad(keys, values, query, tf.reshape(v, [A]) as Tensor1D, weights, dContext);
      return { dQuery, dKeys, dv };
    }
    const da = tf.reshape<tf.Rank.R2>(tf.matMul(values, tf.reshape(dContext, [B, H, 1])), [B, S]);
    const de = tf.mul<Tensor2D>(weights, tf.sub(da, tf.sum(tf.mul(weights, da), 1, true)));
    const u = tf.tanh(tf.add(keys, tf.reshape(query, [B, 1, A])));
    const dKeys = tf.mul<Tensor3D>(tf.mul(tf.reshape(de, [B, S, 1]), tf.reshape(v, [1, 1, A])), tf.sub(1, tf.square(u)));
    return {
      dQuery: tf.sum<Tensor2D>(dKeys, 1),
      dKeys,
      dv: plainMatMul(tf.reshape(u, [B * S, A]) as Tensor2D, tf.reshape(de, [B * S, 1]) as Tensor2D, true, false),
    };
  });
}
