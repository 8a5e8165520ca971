import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { registerWasmPointwise, wasmGruCell } from '../kernels/wasmPointwise.js';

/**
 * The new state of a GRU step (PyTorch's cell: gate order r, z, n, the reset gate applied to the recurrent
 * product) from its two products: `xp = x·wIh + bIh` and `hw = h·wHh + bHh` (both `[B, 3H]`), and the state
 * `h: [B, H]`: `r = σ(xp_r + hw_r)`, `z = σ(xp_z + hw_z)`, `n = tanh(xp_n + r·hw_n)`, `h' = n + z·(h − n)`. No
 * argument checks (callers check shapes).
 *
 * When no gradient is being recorded and the backend is wasm (float32, H ≥ 4), it is one WebAssembly SIMD pass
 * (`gruForward` of `wasmPointwise.wat`, the fused GRU sequence's step): a decoder step's gates were eleven tfjs
 * kernels (a scalar Tanh among them), ~1 ms for 32 × 512. Otherwise these ops (differentiable).
 */
export function gruGates(xp: Tensor2D, hw: Tensor2D, h: Tensor2D): Tensor2D {
  const H = h.shape[1];
  if (!tf.engine().isTapeOn() && [xp, hw, h].every((t) => t.dtype === 'float32') && h.shape[0] > 0 && H >= 4 && registerWasmPointwise()) {
    // gruCellForward's kernel; the activations it also writes are not needed here.
    const [next, acts] = wasmGruCell(xp, hw, h);
    acts.dispose();
    return next;
  }
  return tf.tidy(() => gruGateOps(xp, hw, h).h);
}

/**
 * A GRU step as tfjs ops (differentiable): the gates `r`, `z`, `n`, the n block `hn` of `hw`, and the new state
 * `h`. Shared by {@link gruGates} and `gruCellForward` where their kernels do not apply; call inside `tidy`.
 */
export function gruGateOps(xp: Tensor2D, hw: Tensor2D, h: Tensor2D): { r: Tensor2D; z: Tensor2D; n: Tensor2D; hn: Tensor2D; h: Tensor2D } {
  const [xr, xz, xn] = tf.split(xp, 3, 1) as [Tensor2D, Tensor2D, Tensor2D];
  const [hr, hz, hn] = tf.split(hw, 3, 1) as [Tensor2D, Tensor2D, Tensor2D];
  const r = tf.sigmoid(tf.add<Tensor2D>(xr, hr));
  const z = tf.sigmoid(tf.add<Tensor2D>(xz, hz));
  const n = tf.tanh(tf.add<Tensor2D>(xn, tf.mul<Tensor2D>(r, hn)));
  // h' = (1 − z) ⊙ n + z ⊙ h, written to need one multiply.
  return { r, z, n, hn, h: tf.add<Tensor2D>(n, tf.mul<Tensor2D>(z, tf.sub<Tensor2D>(h, n))) };
}
