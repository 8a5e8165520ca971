import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { plainMatMul, registerWasmLstmKernels, registerWebgpuLstmKernels, splitColumns, unstack } from '@nlpkit/tensor';
import { lstmSequenceWasm } from './lstmSequenceWasm.js';
import { lstmSequenceWebgpu } from './lstmSequenceWebgpu.js';

/**
 * A whole standard-LSTM sequence as one differentiable op with a hand-written BPTT gradient.
 *
 * Why: letting tfjs differentiate the per-step graph records ~15 tape nodes per step, and its MatMul gradient
 * uses transposed-operand matmuls that are ~10× slower on wasm. Here the backward pass transposes `wHh` once,
 * runs one plain matmul per step for `dh`, and computes `dWhh` for all steps in a single matmul. On webgpu each
 * step is one fused WGSL kernel forward and one backward instead ({@link lstmSequenceWebgpu}); on wasm the whole
 * sequence is one WebAssembly kernel call forward and one backward ({@link lstmSequenceWasm}; H ≥ 4, float32,
 * at least one step).
 *
 * @param xp projected inputs, time-major `[T, batch, 4H]` (bias already added), gate order i, f, g, o
 * @param wHh recurrent weights `[H, 4H]`
 * @param h0 initial hidden state `[batch, H]`
 * @param c0 initial cell state `[batch, H]`
 * @param masks per-step `[batch]` validity (1 valid, 0 padding), or null when every row has every step
 * @returns `[T + 2, batch, H]`: rows 0..T−1 the outputs (0 at padding), row T the final h, row T+1 the final c
 */
export function lstmSequence(
  xp: Tensor3D,
  wHh: Tensor2D,
  h0: Tensor2D,
  c0: Tensor2D,
  masks: readonly Float32Array[] | null,
): Tensor3D {
  if (registerWebgpuLstmKernels()) return lstmSequenceWebgpu(xp, wHh, h0, c0, masks);
  const floats = [xp, wHh, h0, c0].every((t) => t.dtype === 'float32');
  if (floats && xp.shape[0] > 0 && wHh.shape[0] >= 4 && registerWasmLstmKernels()) return lstmSequenceWasm(xp, wHh, h0, c0, masks);
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xpIn, wIn, h0In, c0In] = args as [Tensor, Tensor, Tensor, Tensor];
    const save = args[4] as tf.GradSaveFunc;
    const w = wIn as Tensor2D;
    const steps = unstack<Tensor2D>(xpIn);
    const batch = h0In.shape[0] as number;
    const maskTensors = masks === null ? null : masks.map((m) => tf.tensor2d(m, [batch, 1]));
    let h = h0In as Tensor2D;
    let c = c0In as Tensor2D;
    const outs: Tensor2D[] = [];
    const keep: Tensor[] = [];
    steps.forEach((x, t) => {
      const gates = tf.add<Tensor2D>(x, plainMatMul(h, w));
      const [gi, gf, gg, go] = splitColumns(gates, 4) as [Tensor2D, Tensor2D, Tensor2D, Tensor2D];
      const i = tf.sigmoid(gi);
      const f = tf.sigmoid(gf);
      const g = tf.tanh(gg);
      const o = tf.sigmoid(go);
      const cN = tf.add<Tensor2D>(tf.mul<Tensor2D>(f, c), tf.mul<Tensor2D>(i, g));
      const tc = tf.tanh(cN);
      const hN = tf.mul<Tensor2D>(o, tc);
      keep.push(h, c, i, f, g, o, tc);
      const m = maskTensors?.[t];
      if (m === undefined) {
        outs.push(hN);
        h = hN;
        c = cN;
      } else {
        // Padding steps carry the previous state through unchanged and emit zeros.
        const out = tf.mul<Tensor2D>(m, hN);
        outs.push(out);
        const keepOld = tf.sub<Tensor2D>(1, m);
        h = tf.add<Tensor2D>(out, tf.mul<Tensor2D>(keepOld, h));
        c = tf.add<Tensor2D>(tf.mul<Tensor2D>(m, cN), tf.mul<Tensor2D>(keepOld, c));
      }
    });
    // The weight is saved too (last), not read from the closure: tfjs frees the forward pass's intermediates before
    // the backward pass, so a weight computed inside the loss function (not a Variable) would be gone by then.
    save([...keep, w]);
    const value = tf.stack([...outs, h, c]) as Tensor3D;
    const gradFunc = (dy: Tensor, savedAll: Tensor[]): Tensor[] => {
      const wS = savedAll[savedAll.length - 1] as Tensor2D;
      const saved = savedAll.slice(0, -1);
      const T = steps.length;
      const dys = unstack<Tensor2D>(dy);
      let dh = dys[T] as Tensor2D;
      let dc = dys[T + 1] as Tensor2D;
      const wT = tf.transpose(wS);
      const dGates: Tensor2D[] = new Array<Tensor2D>(T);
      const bMasks = masks === null ? null : masks.map((m) => tf.tensor2d(m, [batch, 1]));
      // Saved per step: h_{t−1}, c_{t−1}, i, f, g, o, tanh(c_t). The gate-local derivatives do not depend on the
      // recurrence, so they are computed for all steps at once: a dozen ops on [T, batch, H] instead of a dozen
      // per step, which is what op-by-op backends pay for.
      const column = (k: number): Tensor3D => tf.stack(saved.filter((_, j) => j % 7 === k)) as Tensor3D;
      const [cP, gi, gf, gg, go, gtc] = [1, 2, 3, 4, 5, 6].map(column) as [Tensor3D, Tensor3D, Tensor3D, Tensor3D, Tensor3D, Tensor3D];
      // dL/d(pre-activation) = [dc·g·i(1−i), dc·c_{t−1}·f(1−f), dc·i·(1−g²), dh·tanh(c)·o(1−o)]
      const k = tf.concat(
        [
          tf.mul(gg, tf.mul(gi, tf.sub(1, gi))),
          tf.mul(cP, tf.mul(gf, tf.sub(1, gf))),
          tf.mul(gi, tf.sub(1, tf.square(gg))),
          tf.mul(gtc, tf.mul(go, tf.sub(1, go))),
        ],
        2,
      );
      const ks = unstack<Tensor2D>(k);
      const as = unstack<Tensor2D>(tf.mul(go, tf.sub(1, tf.square(gtc))));
      const fs = unstack<Tensor2D>(gf);
      for (let t = T - 1; t >= 0; t -= 1) {
        const m = bMasks?.[t];
        let dhN = tf.add<Tensor2D>(dh, dys[t] as Tensor2D);
        let dcN = dc;
        let dhCarry: Tensor2D | null = null;
        let dcCarry: Tensor2D | null = null;
        if (m !== undefined) {
          const keepOld = tf.sub<Tensor2D>(1, m);
          dhCarry = tf.mul<Tensor2D>(keepOld, dh);
          dcCarry = tf.mul<Tensor2D>(keepOld, dc);
          dhN = tf.mul<Tensor2D>(m, dhN);
          dcN = tf.mul<Tensor2D>(m, dcN);
        }
        const dcT = tf.add<Tensor2D>(dcN, tf.mul<Tensor2D>(dhN, as[t] as Tensor2D));
        const dGate = tf.mul<Tensor2D>(tf.concat([dcT, dcT, dcT, dhN], 1), ks[t] as Tensor2D);
        dGates[t] = dGate;
        dh = plainMatMul(dGate, wT);
        dc = tf.mul<Tensor2D>(dcT, fs[t] as Tensor2D);
        if (dhCarry !== null && dcCarry !== null) {
          dh = tf.add<Tensor2D>(dh, dhCarry);
          dc = tf.add<Tensor2D>(dc, dcCarry);
        }
      }
      const dXp = tf.stack(dGates) as Tensor3D;
      const H = wS.shape[0];
      const hPrevs = tf.stack(saved.filter((_, k) => k % 7 === 0));
      // dW = Σ_t h_{t−1}ᵀ · dGates_t as one matmul over all T·batch rows.
      const dW = plainMatMul(tf.reshape(hPrevs, [T * batch, H]), tf.reshape(dXp, [T * batch, 4 * H]), true, false);
      return [dXp, dW, dh, dc];
    };
    return { value, gradFunc };
  });
  return op(xp, wHh, h0, c0) as Tensor3D;
}
