import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { registerWasmPointwise, wasmGruCell, wasmGruCellGrad } from '../kernels/wasmPointwise.js';
import { gruGateOps } from './gruGates.js';

/** True when the wasm kernels apply: no tape, float32, at least 4 units. */
const onKernel = (tensors: readonly Tensor2D[], H: number): boolean =>
  !tf.engine().isTapeOn() && tensors.every((t) => t.dtype === 'float32') && (tensors[0]?.shape[0] ?? 0) > 0 && H >= 4 && registerWasmPointwise();

/**
 * A GRU step (PyTorch's cell, as {@link gruGates}) for hand-written backward passes: from `xp = x·wIh + bIh` and
 * `hw = h·wHh + bHh` (both `[B, 3H]`) and the state `h: [B, H]`, the new state `h' = n + z·(h − n)` and the
 * activations `[r, z, n, hn]` (`[B, 4H]`; `hn` the n block of `hw`) that {@link gruCellBackward} needs.
 *
 * When no gradient is being recorded and the backend is wasm (float32, H ≥ 4), one WebAssembly SIMD pass
 * (`gruForward` of `wasmPointwise.wat`, the fused GRU sequence's step); otherwise tfjs's ops. No argument checks.
 */
export function gruCellForward(xp: Tensor2D, hw: Tensor2D, h: Tensor2D): { h: Tensor2D; acts: Tensor2D } {
  if (onKernel([xp, hw, h], h.shape[1])) {
    const [next, acts] = wasmGruCell(xp, hw, h);
    return { h: next, acts };
  }
  return tf.tidy(() => {
    const g = gruGateOps(xp, hw, h);
    return { h: g.h, acts: tf.concat([g.r, g.z, g.n, g.hn], 1) as Tensor2D };
  });
}

/**
 * The gradients of a {@link gruCellForward} step, given the gradient `dh` of its new state, its activations and
 * its input state `h`: `dxp` (for `xp`), `dhw` (for `hw`; its n block is `dnPre·r`) and `dh·z`, the part of the
 * input state's gradient that does not pass through `hw`. With `kn = (1 − z)(1 − n²)`: `dnPre = dh·kn`,
 * `dzPre = dh·(h − n)·z(1 − z)`, `drPre = dnPre·hn·r(1 − r)`.
 *
 * When no gradient is being recorded and the backend is wasm (float32, H ≥ 4), one WebAssembly SIMD pass
 * (`gruBackward` of `wasmPointwise.wat`); otherwise tfjs's ops (a dozen kernels a step).
 */
export function gruCellBackward(dh: Tensor2D, acts: Tensor2D, h: Tensor2D): { dxp: Tensor2D; dhw: Tensor2D; dh: Tensor2D } {
  if (onKernel([dh, acts, h], h.shape[1])) {
    const [dxp, dhw, dhOut] = wasmGruCellGrad(dh, acts, h);
    return { dxp, dhw, dh: dhOut };
  }
  return tf.tidy(() => {
    const [r, z, n, hn] = tf.split(acts, 4, 1) as [Tensor2D, Tensor2D, Tensor2D, Tensor2D];
    const dnPre = tf.mul<Tensor2D>(tf.mul(dh, tf.sub(1, z)), tf.sub(1, tf.square(n)));
    const dzPre = tf.mul<Tensor2D>(tf.mul(dh, tf.sub(h, n)), tf.mul(z, tf.sub(1, z)));
    const drPre = tf.mul<Tensor2D>(tf.mul(dnPre, hn), tf.mul(r, tf.sub(1, r)));
    return {
      dxp: tf.concat([drPre, dzPre, dnPre], 1) as Tensor2D,
      dhw: tf.concat([drPre, dzPre, tf.mul(dnPre, r)], 1) as Tensor2D,
      dh: tf.mul<Tensor2D>(dh, z),
    };
  });
}
