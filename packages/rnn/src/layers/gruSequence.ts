import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { affine, plainMatMul, splitColumns, unstack } from '@nlpkit/tensor';

/**
 * A whole GRU sequence (PyTorch's cell: the reset gate after the recurrent matmul) as one differentiable op with
 * a hand-written BPTT gradient, for backends without fused GRU step kernels (cpu, wasm; webgpu has
 * `gruSequenceWebgpu`).
 *
 * Why: differentiated op by op, each step records ~20 tape nodes, keeps a copy of `wHh` (tfjs-backend-wasm copies
 * every tensor saved for the backward pass) and takes its input through `unstack`, whose gradient pads every step's
 * `dy` to the whole `[T, batch, 3H]` — tfjs keeps all of them until the backward pass ends, O(T²·batch·H) memory
 * (0.8 GB of a 64 × 45 Multi30k batch's 2 GB). Here the forward pass keeps the per-step states and gates only; the
 * gate-local derivatives are computed for all steps at once; the recurrence then needs a few ops and one matmul per
 * step, and `dWhh` is one matmul over all `T·batch` rows.
 *
 * @param xp input projections, time-major `[T, batch, 3H]` (input bias added), gate order r, z, n
 * @param wHh recurrent weights `[H, 3H]`
 * @param bHh recurrent bias `[3H]`
 * @param h0 initial state `[batch, H]`
 * @param masks per-step `[batch]` validity (1 valid, 0 padding), or null when every row has every step
 * @returns `[T + 1, batch, H]`: rows 0..T−1 the outputs (0 at padding), row T the final h
 */
export function gruSequence(xp: Tensor3D, wHh: Tensor2D, bHh: Tensor1D, h0: Tensor2D, masks: readonly Float32Array[] | null): Tensor3D {
  const [T, B] = xp.shape;
  const H = wHh.shape[0];
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xpIn, wIn, bIn, h0In] = args as [Tensor3D, Tensor2D, Tensor1D, Tensor2D];
    const save = args[4] as tf.GradSaveFunc;
    const steps = unstack<Tensor2D>(xpIn);
    const maskTensors = masks === null ? null : masks.map((m) => tf.tensor2d(m, [B, 1]));
    let h = h0In;
    const hs: Tensor2D[] = [];
    const rs: Tensor2D[] = [];
    const zs: Tensor2D[] = [];
    const ns: Tensor2D[] = [];
    const hns: Tensor2D[] = [];
    const outs: Tensor2D[] = [];
    steps.forEach((x, t) => {
      // Column blocks copied once on host backends (tf.slice copies its whole input per slice on wasm and runs
      // element by element on cpu).
      const [hr, hz, hn] = splitColumns(affine(h, wIn, bIn), 3) as [Tensor2D, Tensor2D, Tensor2D];
      const [xr, xz, xn] = splitColumns(x, 3) as [Tensor2D, Tensor2D, Tensor2D];
      const r = tf.sigmoid(tf.add(xr, hr)) as Tensor2D;
      const z = tf.sigmoid(tf.add(xz, hz)) as Tensor2D;
      const n = tf.tanh(tf.add(xn, tf.mul(r, hn))) as Tensor2D;
      const hNew = tf.add(n, tf.mul(z, tf.sub(h, n))) as Tensor2D;
      hs.push(h);
      rs.push(r);
      zs.push(z);
      ns.push(n);
      hns.push(hn);
      const m = maskTensors?.[t];
      if (m === undefined) {
        outs.push(hNew);
        h = hNew;
      } else {
        // Padding steps carry the previous state through unchanged and emit zeros.
        const out = tf.mul(m, hNew) as Tensor2D;
        outs.push(out);
        h = tf.add(out, tf.mul(tf.sub(1, m), h)) as Tensor2D;
      }
    });
    save([tf.stack(hs), tf.stack(rs), tf.stack(zs), tf.stack(ns), tf.stack(hns), wIn]);
    const value = tf.stack([...outs, h]) as Tensor3D;
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => {
      const [hPrev, r, z, n, hn, w] = saved as [Tensor3D, Tensor3D, Tensor3D, Tensor3D, Tensor3D, Tensor2D];
      // Per unit of dL/dh_new: d(n pre-activation) = (1 − z)(1 − n²), d(z pre) = (h − n)·z(1 − z),
      // d(r pre) = d(n pre)·hn·r(1 − r); the recurrent product's gradient takes d(n pre)·r in the n block.
      const kn = tf.mul(tf.sub(1, z), tf.sub(1, tf.square(n)));
      const kz = tf.mul(tf.sub(hPrev, n), tf.mul(z, tf.sub(1, z)));
      const kr = tf.mul(tf.mul(kn, hn), tf.mul(r, tf.sub(1, r)));
      const kx = unstack<Tensor2D>(tf.concat([kr, kz, kn], 2));
      const kh = unstack<Tensor2D>(tf.concat([kr, kz, tf.mul(kn, r)], 2));
      const zSteps = unstack<Tensor2D>(z);
      const dys = unstack<Tensor2D>(dy);
      const bMasks = masks === null ? null : masks.map((m) => tf.tensor2d(m, [B, 1]));
      let dh = dys[T] as Tensor2D;
      const dXs: Tensor2D[] = new Array<Tensor2D>(T);
      const dHs: Tensor2D[] = new Array<Tensor2D>(T);
      for (let t = T - 1; t >= 0; t -= 1) {
        const m = bMasks?.[t];
        const carried = dh;
        // Each step's tensors are freed before the next (tfjs frees a gradient's intermediates only at the end).
        const step = tf.tidy(() => {
          const total = tf.add(carried, dys[t] as Tensor2D) as Tensor2D;
          const dNew = m === undefined ? total : (tf.mul(m, total) as Tensor2D);
          const d3 = tf.concat([dNew, dNew, dNew], 1) as Tensor2D;
          const dhh = tf.mul(d3, kh[t] as Tensor2D) as Tensor2D;
          let next = tf.add(tf.mul(dNew, zSteps[t] as Tensor2D), plainMatMul(dhh, w, false, true)) as Tensor2D;
          if (m !== undefined) next = tf.add(next, tf.mul(tf.sub(1, m), carried)) as Tensor2D;
          return { dx: tf.mul(d3, kx[t] as Tensor2D) as Tensor2D, dhh, next };
        });
        dXs[t] = step.dx;
        dHs[t] = step.dhh;
        dh = step.next;
        carried.dispose();
      }
      const dHH = tf.reshape(tf.stack(dHs), [T * B, 3 * H]) as Tensor2D;
      const dW = plainMatMul(tf.reshape(hPrev, [T * B, H]) as Tensor2D, dHH, true, false);
      // Column sum as ones·dHH: a GEMM, not an axis-0 reduction (which tfjs-backend-wasm does by transposing).
      const dB = tf.reshape(plainMatMul(tf.ones([1, T * B]) as Tensor2D, dHH), [3 * H]);
      return [tf.stack(dXs), dW, dB, dh];
    };
    return { value, gradFunc };
  });
  return op(xp, wHh, bHh, h0) as Tensor3D;
}
