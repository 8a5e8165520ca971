import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { expect, it } from 'vitest';
import { additiveAttention, additiveAttentionGrad } from '../../src/ops/additiveAttention.js';
import { gruCellBackward, gruCellForward } from '../../src/ops/gruCell.js';
import { gruGates } from '../../src/ops/gruGates.js';
import { logSoftmax } from '../../src/ops/logSoftmax.js';
import { tanh } from '../../src/ops/tanh.js';

/**
 * A decoder step's ops without a gradient tape (on wasm: the `additiveAttention`, `additiveAttentionGrad`, `gruGates`, `logSoftmax` and `tanh` kernels of
 * `wasmPointwise.wat`), against float64 references and against the same ops under a tape (tfjs's ops on every
 * backend), and their gradients under a tape. Attention: keys up to ±3 (tanh saturates), rows of every length
 * from 1 to S (weights exactly 0 on padding), a row with no valid position (weights and context 0, not NaN), an A
 * that is not a multiple of 4 (the ops on wasm too). GRU gates: H off the 4-lane vectors and below 4 (the ops
 * on wasm too), pre-activations up to ±12. Log-softmax: logits up to ±40, `-Infinity` entries (a
 * decoder's forbidden tokens) that stay `-Infinity`, a width off the 4-lane vectors. For describeBackends, in Node
 * and in Chromium.
 */
export function decoderOpsSuite(): void {
  const rng = createRng(41);
  const array = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * scale);

  /** Weights [B, S] and context [B, H] in float64 from the float32 inputs. */
  function attentionReference(k: Float32Array, val: Float32Array, m: Float32Array, q: Float32Array, v: Float32Array, B: number, S: number, A: number, H: number): { weights: Float64Array; context: Float64Array } {
    const weights = new Float64Array(B * S);
    const context = new Float64Array(B * H);
    for (let b = 0; b < B; b += 1) {
      const scores = Array.from({ length: S }, (_, s) => {
        let sum = 0;
        for (let a = 0; a < A; a += 1) sum += Math.tanh((k[(b * S + s) * A + a] as number) + (q[b * A + a] as number)) * (v[a] as number);
        return sum;
      });
      const valid = scores.map((_, s) => (m[b * S + s] as number) === 1);
      const max = Math.max(...scores.filter((_, s) => valid[s]));
      const e = scores.map((x, s) => (valid[s] ? Math.exp(x - max) : 0));
      const total = e.reduce((x, y) => x + y, 0);
      for (let s = 0; s < S; s += 1) {
        const w = total > 0 ? (e[s] as number) / total : 0;
        weights[b * S + s] = w;
        for (let h = 0; h < H; h += 1) context[b * H + h] = (context[b * H + h] as number) + w * (val[(b * S + s) * H + h] as number);
      }
    }
    return { weights, context };
  }

  const within = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void => {
    expect(got.length, what).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < got.length; i += 1) worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)) / Math.max(1, Math.abs(want[i] as number)));
    expect(worst, what).toBeLessThanOrEqual(tol);
  };

  // [B, S, A, H]: one position, the decoder's A = H, odd S, widths off 4 (A = 6 runs the ops on wasm too).
  for (const [B, S, A, H] of [[2, 1, 4, 4], [5, 7, 16, 12], [6, 13, 64, 36], [3, 4, 6, 5]] as const) {
    it(`additiveAttention [${B}, ${S}, ${A}] keys, H ${H}: float64 reference within 2e-6, the taped ops within 2e-6, padding exactly 0`, () => {
      const [kd, vald, qd, vd] = [array(B * S * A, 1.5), array(B * S * H, 1), array(B * A, 1.5), array(A, 1)];
      // Row b has min(S, b + 1) valid positions; the last row of the [6, 13] case none at all.
      const md = Float32Array.from({ length: B * S }, (_, i) => (i % S < Math.floor(i / S) + 1 && !(B === 6 && Math.floor(i / S) === B - 1) ? 1 : 0));
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const [keys, values, mask, query, v] = [tf.tensor3d(kd, [B, S, A]), tf.tensor3d(vald, [B, S, H]), tf.tensor2d(md, [B, S]), tf.tensor2d(qd, [B, A]), tf.tensor2d(vd, [A, 1])];
        const want = attentionReference(kd, vald, md, qd, vd, B, S, A, H);
        const got = additiveAttention(keys, values, mask, query, v);
        const weights = got.weights.dataSync();
        within(weights, want.weights, 2e-6, 'weights');
        within(got.context.dataSync(), want.context, 2e-6, 'context');
        md.forEach((m, i) => {
          if (m === 0) expect(weights[i], `weight ${i} on padding`).toBe(0);
        });
        // Under a tape: tfjs's ops with the same numbers, and gradients for keys, values and the query.
        const weighting = tf.tensor2d(Float32Array.from({ length: B * S }, (_, i) => i % 5), [B, S]);
        const grads = tf.grads((kk: Tensor, vv: Tensor, qq: Tensor) => {
          const r = additiveAttention(kk as Tensor3D, vv as Tensor3D, mask, qq as Tensor2D, v);
          within(r.weights.dataSync(), weights, 2e-6, 'taped weights');
          within(r.context.dataSync(), got.context.dataSync(), 2e-6, 'taped context');
          return tf.add(tf.sum(tf.mul(r.weights, weighting)), tf.sum(r.context)) as tf.Scalar;
        })([keys, values, query]);
        grads.forEach((g, i) => {
          expect(g.shape).toEqual([keys, values, query][i]!.shape);
          expect(Array.from(g.dataSync()).every(Number.isFinite), `gradient ${i} finite`).toBe(true);
        });
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  // The hand-written gradient against autodiff through the taped ops: d(Σ context·dContext) for the query, the keys
  // and v, with rows of every length (padding gets exactly 0) and a width off 4 (the ops on wasm too).
  for (const [B, S, A, H] of [[2, 1, 4, 4], [5, 7, 16, 12], [3, 4, 6, 5], [8, 13, 64, 36]] as const) {
    it(`additiveAttentionGrad [${B}, ${S}, ${A}], H ${H}: the taped ops' gradients within 1e-5, 0 on padding`, () => {
      const [kd, vald, qd, vd, dcd] = [array(B * S * A, 1.5), array(B * S * H, 1), array(B * A, 1.5), array(A, 1), array(B * H, 1)];
      const md = Float32Array.from({ length: B * S }, (_, i) => (i % S < (Math.floor(i / S) % S) + 1 ? 1 : 0));
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const [keys, values, mask, query, v, dc] = [tf.tensor3d(kd, [B, S, A]), tf.tensor3d(vald, [B, S, H]), tf.tensor2d(md, [B, S]), tf.tensor2d(qd, [B, A]), tf.tensor2d(vd, [A, 1]), tf.tensor2d(dcd, [B, H])];
        const forward = additiveAttention(keys, values, mask, query, v);
        const got = additiveAttentionGrad(keys, values, query, v, forward.weights, dc);
        const [dq, dk, dv] = tf.grads((qq: Tensor, kk: Tensor, vv: Tensor) =>
          tf.sum(tf.mul(additiveAttention(kk as Tensor3D, values, mask, qq as Tensor2D, vv as Tensor2D).context, dc)) as tf.Scalar,
        )([query, keys, v]) as [Tensor, Tensor, Tensor];
        expect(got.dQuery.shape).toEqual([B, A]);
        expect(got.dKeys.shape).toEqual([B, S, A]);
        expect(got.dv.shape).toEqual([A, 1]);
        within(got.dQuery.dataSync(), dq.dataSync(), 1e-5, 'dQuery');
        within(got.dKeys.dataSync(), dk.dataSync(), 1e-5, 'dKeys');
        within(got.dv.dataSync(), dv.dataSync(), 1e-5, 'dv');
        const dKeys = got.dKeys.dataSync();
        md.forEach((m, i) => {
          if (m === 0) for (let a = 0; a < A; a += 1) expect(Math.abs(dKeys[i * A + a] as number), `dKeys at padding position ${i}`).toBe(0);
        });
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  for (const [B, H] of [[1, 3], [3, 4], [5, 13], [32, 512]] as const) {
    it(`gruGates [${B}, ${H}]: float64 reference within 2e-6, the taped ops within 2e-6, their gradients finite`, () => {
      const [xd, hwd, hd] = [array(B * 3 * H, 4), array(B * 3 * H, 4), array(B * H, 1)];
      const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
      const want = Float64Array.from({ length: B * H }, (_, i) => {
        const [b, j] = [Math.floor(i / H), i % H];
        const at = (g: number): number => b * 3 * H + g * H + j;
        const r = sigmoid((xd[at(0)] as number) + (hwd[at(0)] as number));
        const z = sigmoid((xd[at(1)] as number) + (hwd[at(1)] as number));
        const n = Math.tanh((xd[at(2)] as number) + r * (hwd[at(2)] as number));
        return n + z * ((hd[i] as number) - n);
      });
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const [xp, hw, h] = [tf.tensor2d(xd, [B, 3 * H]), tf.tensor2d(hwd, [B, 3 * H]), tf.tensor2d(hd, [B, H])];
        const got = gruGates(xp, hw, h).dataSync();
        within(got, want, 2e-6, 'new state');
        const grads = tf.grads((a: Tensor, b: Tensor, c: Tensor) => {
          const taped = gruGates(a as Tensor2D, b as Tensor2D, c as Tensor2D);
          within(taped.dataSync(), got, 2e-6, 'taped state');
          return tf.sum(tf.mul(taped, taped)) as tf.Scalar;
        })([xp, hw, h]);
        grads.forEach((g, i) => expect(Array.from(g.dataSync()).every(Number.isFinite), `gradient ${i} finite`).toBe(true));
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  for (const [B, H] of [[3, 4], [2, 13], [5, 64]] as const) {
    it(`gruCellForward and gruCellBackward [${B}, ${H}]: the state and activations against float64 within 2e-6, the gradients against autodiff through the taped ops within 1e-5`, async () => {
      const [xd, hwd, hd, dd] = [array(B * 3 * H, 4), array(B * 3 * H, 4), array(B * H, 1), array(B * H, 1)];
      const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
      const state = new Float64Array(B * H);
      const acts = new Float64Array(B * 4 * H);
      for (let b = 0; b < B; b += 1) {
        for (let j = 0; j < H; j += 1) {
          const at = (g: number): number => b * 3 * H + g * H + j;
          const r = sigmoid((xd[at(0)] as number) + (hwd[at(0)] as number));
          const z = sigmoid((xd[at(1)] as number) + (hwd[at(1)] as number));
          const hn = hwd[at(2)] as number;
          const n = Math.tanh((xd[at(2)] as number) + r * hn);
          state[b * H + j] = n + z * ((hd[b * H + j] as number) - n);
          [r, z, n, hn].forEach((x, g) => (acts[b * 4 * H + g * H + j] = x));
        }
      }
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const [xp, hw, h, dh] = [tf.tensor2d(xd, [B, 3 * H]), tf.tensor2d(hwd, [B, 3 * H]), tf.tensor2d(hd, [B, H]), tf.tensor2d(dd, [B, H])];
        const cell = gruCellForward(xp, hw, h);
        within(cell.h.dataSync(), state, 2e-6, 'new state');
        within(cell.acts.dataSync(), acts, 2e-6, 'activations');
        const back = gruCellBackward(dh, cell.acts, h);
        // Autodiff of Σ dh ⊙ h' through the taped ops: ∂/∂xp, ∂/∂hw, ∂/∂h.
        const [gx, ghw, gh] = tf.grads((a: Tensor, b: Tensor, c: Tensor) => tf.sum(tf.mul(gruCellForward(a as Tensor2D, b as Tensor2D, c as Tensor2D).h, dh)) as tf.Scalar)([xp, hw, h]);
        within(back.dxp.dataSync(), (gx as Tensor).dataSync(), 1e-5, 'dxp');
        within(back.dhw.dataSync(), (ghw as Tensor).dataSync(), 1e-5, 'dhw');
        // h's gradient: dh·z directly, plus what reaches it through hw (none here: hw is an input of its own).
        within(back.dh.dataSync(), (gh as Tensor).dataSync(), 1e-5, 'dh·z');
      });
      expect(tf.memory().numTensors).toBe(before);
      const info = await tf.profile(() => {
        tf.tidy(() => {
          const [xp, hw, h] = [tf.tensor2d(xd, [B, 3 * H]), tf.tensor2d(hwd, [B, 3 * H]), tf.tensor2d(hd, [B, H])];
          gruCellBackward(h, gruCellForward(xp, hw, h).acts, h);
        });
      });
      const names = info.kernels.map((k) => k.name);
      if (tf.getBackend() === 'wasm') expect(names.filter((n) => n.startsWith('Nlpkit'))).toEqual(['NlpkitWasmGruCell', 'NlpkitWasmGruCellGrad']);
      else expect(names.some((n) => n.startsWith('Nlpkit'))).toBe(false);
    });
  }

  for (const [N, V] of [[1, 1], [3, 7], [4, 4568]] as const) {
    it(`logSoftmax [${N}, ${V}]: float64 reference within 1e-6 (relative), tf.logSoftmax within 5e-6, -Infinity kept`, () => {
      const xd = array(N * V, 8);
      if (V > 4) {
        xd[0] = 40;
        xd[V + 1] = -40;
        for (let i = 0; i < N; i += 1) [xd[i * V + 1], xd[i * V + 2]] = [-Infinity, -Infinity]; // forbidden tokens
      }
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const x = tf.tensor2d(xd, [N, V]);
        const got = logSoftmax(x).dataSync();
        const want = new Float64Array(N * V);
        for (let i = 0; i < N; i += 1) {
          const row = Array.from(xd.subarray(i * V, (i + 1) * V));
          const max = Math.max(...row);
          const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
          row.forEach((v, j) => (want[i * V + j] = v - lse));
        }
        want.forEach((w, i) => {
          if (w === -Infinity) expect(got[i], `element ${i}`).toBe(-Infinity);
        });
        const finite = (a: ArrayLike<number>): number[] => Array.from(a).filter((_, i) => want[i] !== -Infinity);
        within(finite(got), finite(want), 1e-6, 'log-probabilities');
        within(finite(got), finite(tf.logSoftmax(x).dataSync()), 5e-6, 'against tf.logSoftmax'); // its float32 sum of 4,568 terms
        // Under a tape it is tf.logSoftmax, gradient included.
        const g = tf.grad((t: Tensor) => tf.sum(tf.mul(logSoftmax(t as Tensor2D), tf.onesLike(t))))(tf.tensor2d(array(N * V, 1), [N, V]));
        expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('tanh: float64 reference within 2e-7 on every width (vectors and the lanes after them), NaN kept, the taped op is tf.tanh', () => {
    const before = tf.memory().numTensors;
    for (const shape of [[1], [7], [3, 130], [160, 512]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const xs = Float32Array.from({ length: n }, (_, i) => (i % 11 === 0 ? [0, -0, 1e-30, -3e-5, 9.5, -20, 100][i % 7] as number : rng.normal() * 2));
      tf.tidy(() => {
        const got = tanh(tf.tensor(xs, shape)).dataSync();
        within(got, Float64Array.from(xs, (x) => Math.tanh(x)), 2e-7, `tanh of ${shape.join('×')}`);
        const taped = tf.grad((t: Tensor) => {
          expect(Array.from(tanh(t).dataSync())).toEqual(Array.from(tf.tanh(t).dataSync()));
          return tf.sum(tanh(t)) as tf.Scalar;
        })(tf.tensor(xs, shape));
        within(taped.dataSync(), Float64Array.from(xs, (x) => 1 - Math.tanh(x) ** 2), 1e-6, 'its gradient');
      });
    }
    tf.tidy(() => {
      expect(Number.isNaN(tanh(tf.tensor1d([NaN, 1, 2, 3, NaN])).dataSync()[4] as number)).toBe(true);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('additiveAttention with rows: each query row attends over its memory row, as the memory gathered by rows, bit for bit', () => {
    const [N, S, A, H] = [3, 5, 8, 12];
    const rows = [2, 0, 0, 1, 2, 2, 1];
    const B = rows.length;
    const [kd, vald, qd, vd] = [array(N * S * A, 1.5), array(N * S * H, 1), array(B * A, 1.5), array(A, 1)];
    const md = Float32Array.from({ length: N * S }, (_, i) => (i % S < Math.floor(i / S) + 2 ? 1 : 0));
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const [keys, values, mask, query, v, idx] = [
        tf.tensor3d(kd, [N, S, A]), tf.tensor3d(vald, [N, S, H]), tf.tensor2d(md, [N, S]), tf.tensor2d(qd, [B, A]), tf.tensor2d(vd, [A, 1]), tf.tensor1d(rows, 'int32'),
      ];
      const got = additiveAttention(keys as Tensor3D, values as Tensor3D, mask as Tensor2D, query as Tensor2D, v as Tensor2D, idx as tf.Tensor1D);
      const want = additiveAttention(tf.gather(keys, idx) as Tensor3D, tf.gather(values, idx) as Tensor3D, tf.gather(mask, idx) as Tensor2D, query as Tensor2D, v as Tensor2D);
      expect(got.weights.shape).toEqual([B, S]);
      expect(Array.from(got.weights.dataSync())).toEqual(Array.from(want.weights.dataSync()));
      expect(Array.from(got.context.dataSync())).toEqual(Array.from(want.context.dataSync()));
      const gathered = (x: Float32Array, width: number): Float32Array => Float32Array.from({ length: B * width }, (_, i) => x[(rows[Math.floor(i / width)] as number) * width + (i % width)] as number);
      within(got.context.dataSync(), attentionReference(gathered(kd, S * A), gathered(vald, S * H), gathered(md, S), qd, vd, B, S, A, H).context, 2e-6, 'context');
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('additiveAttention of a 32-row decoder step with A = H = 512 matches the float64 reference within 2e-6', () => {
    const [B, S, A, H] = [32, 28, 512, 512];
    const [kd, vald, qd, vd] = [array(B * S * A, 0.5), array(B * S * H, 1), array(B * A, 0.5), array(A, 0.1)];
    const md = Float32Array.from({ length: B * S }, (_, i) => (i % S < 5 + (Math.floor(i / S) % 24) ? 1 : 0));
    tf.tidy(() => {
      const got = additiveAttention(tf.tensor3d(kd, [B, S, A]) as Tensor3D, tf.tensor3d(vald, [B, S, H]) as Tensor3D, tf.tensor2d(md, [B, S]), tf.tensor2d(qd, [B, A]), tf.tensor2d(vd, [A, 1]));
      const want = attentionReference(kd, vald, md, qd, vd, B, S, A, H);
      within(got.weights.dataSync(), want.weights, 2e-6, 'weights');
      within(got.context.dataSync(), want.context, 2e-6, 'context');
    });
  });
}
