import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { additiveAttention, additiveAttentionGrad, affine, gruCellBackward, gruCellForward, plainMatMul, splitColumns, unstack } from '@nlpkit/tensor';
import type { Seq2seqConfig } from './seq2seqConfig.js';

/** Inputs of {@link fusedBahdanauGru}, all float32. `A` is the attention width, `G = 3H`. */
export interface FusedDecoderInputs {
  /** Layer 0's projection of the embedded previous tokens, time-major `[T, B, G]` (the embedding rows of `wIh`, and `bIh`). */
  readonly projected: Tensor3D;
  /** Initial decoder state `[B, H]`. */
  readonly h0: Tensor2D;
  /** Encoder outputs `[B, S, H]`, keys `[B, S, A]` and the source mask `[B, S]` (see `AttentionMemory`). */
  readonly values: Tensor3D;
  readonly keys: Tensor3D;
  readonly mask: Tensor2D;
  /** `attention.wQuery` `[H, A]`, `attention.v` `[A, 1]`. */
  readonly wQuery: Tensor2D;
  readonly v: Tensor2D;
  /** Layer 0's input-weight rows for the context `[H, G]`. */
  readonly wContext: Tensor2D;
  /** `wHh` `[H, G]` and `bHh` `[G]` of the decoder's GRU. */
  readonly wHh: Tensor2D;
  readonly bHh: Tensor1D;
}

/**
 * True when {@link fusedBahdanauGru} computes this config's teacher-forced decoder: a one-layer GRU decoder
 * (PyTorch's cell) with Bahdanau attention and no input feeding, the Multi30k recipe's shape.
 */
export function fusedDecoderApplies(config: Seq2seqConfig): boolean {
  return config.cell === 'gru' && config.attention === 'bahdanau' && !config.inputFeeding && config.decoderLayers === 1;
}

/**
 * The teacher-forced pass of a one-layer GRU decoder with Bahdanau attention as **one** differentiable op,
 * returning `[T, B, 2H]`: per step the context and the new state, `[c_t; h_t]`, the input of the combine layer.
 * Each step: `q = h·wQuery`, `u = tanh(keys + q)`, `a = masked softmax(u·v)`, `c = a·values`, then the GRU step
 * on `projected_t + c·wContext` — the same arithmetic as `decoderStep`.
 *
 * Why: run op by op under tfjs's tape, every step keeps its `[B, S, A]` attention tensors, a copy of each weight it
 * multiplies by (tfjs-backend-wasm copies every tensor saved for the backward pass) and, in the backward pass,
 * the gradient of every intermediate until the whole backward pass ends — a long-sentence batch of 64 outgrew the
 * 4 GB wasm32 heap. Here the forward pass keeps only `[T, B, ·]` per-step vectors (states, gates, queries,
 * attention weights and contexts); the backward pass, written by hand, recomputes `tanh(keys + q)` one step at
 * a time and frees each step's tensors before the next, so nothing `[B, S, A]`-sized is kept per step. The
 * weight gradients are one matmul over all `T·B` rows after the loop instead of one per step.
 */
export function fusedBahdanauGru(inputs: FusedDecoderInputs): Tensor3D {
  const { projected, h0, values, keys, mask, wQuery, v, wContext, wHh, bHh } = inputs;
  const [T, B, G] = projected.shape;
  const H = h0.shape[1];
  const S = values.shape[1];
  const A = wQuery.shape[1]; // = H: attention.wQuery is [H, H] (seq2seqShapes)
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xp, hInit, vals, ks, mk, wq, vv, wc, whh, bhh] = args as [Tensor3D, Tensor2D, Tensor3D, Tensor3D, Tensor2D, Tensor2D, Tensor2D, Tensor2D, Tensor2D, Tensor1D];
    const save = args[10] as tf.GradSaveFunc;
    // The query and the recurrent products in one matmul: h·[wQuery | wHh] + [0 | bHh].
    const wCat = tf.concat([wq, whh], 1) as Tensor2D;
    const bCat = tf.concat([tf.zeros([A]), bhh]) as Tensor1D;
    const steps = unstack<Tensor2D>(xp);
    const hs: Tensor2D[] = [hInit];
    const qs: Tensor2D[] = [];
    const as: Tensor2D[] = [];
    const cs: Tensor2D[] = [];
    const gates: Tensor2D[] = [];
    const outs: Tensor2D[] = [];
    for (let t = 0; t < T; t += 1) {
      const h = hs[t] as Tensor2D;
      const r = tf.tidy(() => {
        // The query and the recurrent product (splitColumns: tf.slice copies its whole input per slice on wasm).
        const [q, hw] = splitColumns(affine(h, wCat, bCat), [A, G]) as [Tensor2D, Tensor2D];
        // One kernel each on wasm (this forward runs with no tape: the backward below is written by hand).
        const { weights, context } = additiveAttention(ks, vals, mk, q, vv);
        // The gates' activations [r, z, n, hn] are kept for the backward pass.
        const cell = gruCellForward(tf.add(steps[t] as Tensor2D, plainMatMul(context, wc)) as Tensor2D, hw, h);
        return { q, weights, context, gate: cell.acts, hNext: cell.h, out: tf.concat([context, cell.h], 1) as Tensor2D };
      });
      hs.push(r.hNext);
      qs.push(r.q);
      as.push(r.weights);
      cs.push(r.context);
      gates.push(r.gate);
      outs.push(r.out);
    }
    const stacked = (xs: Tensor2D[]): Tensor3D => tf.stack(xs) as Tensor3D;
    save([stacked(hs.slice(0, T)), stacked(qs), stacked(as), stacked(cs), stacked(gates), vals, ks, wCat, vv, wc]);
    const value = stacked(outs);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => backward(dy as Tensor3D, saved as Tensor3D[], { T, B, S, H, A, G }),
    };
  });
  return op(projected, h0, values, keys, mask, wQuery, v, wContext, wHh, bHh) as Tensor3D;
}

interface Dims {
  readonly T: number;
  readonly B: number;
  readonly S: number;
  readonly H: number;
  readonly A: number;
  readonly G: number;
}

/**
 * Gradients of {@link fusedBahdanauGru} for its inputs, in order. Walks the steps backwards carrying dL/dh; each
 * step's tensors are freed before the next (this runs outside any tidy of tfjs's backward pass).
 */
function backward(dy: Tensor3D, saved: Tensor3D[], d: Dims): Tensor[] {
  const { T, B, S, H, A, G } = d;
  const [hPrevAll, qAll, aAll, cAll, gateAll, values, keys, wCat2, v2, wContext2] = saved as [Tensor3D, Tensor3D, Tensor3D, Tensor3D, Tensor3D, Tensor3D, Tensor3D, Tensor3D, Tensor3D, Tensor3D];
  const wCat = wCat2 as unknown as Tensor2D;
  const v = v2 as unknown as Tensor2D;
  const wContext = wContext2 as unknown as Tensor2D;
  const perStep = (x: Tensor): Tensor2D[] => unstack<Tensor2D>(x);
  // Column splits by splitColumns: tfjs-backend-wasm's SplitV and Slice copy their whole input out to JavaScript.
  const [dcOut, dhOut] = tf.tidy(() => splitColumns(tf.reshape(dy, [T * B, 2 * H]), 2).map((x) => perStep(tf.reshape(x, [T, B, H])))) as [Tensor2D[], Tensor2D[]];
  const hPrev = perStep(hPrevAll);
  const qs = perStep(qAll);
  const as = perStep(aAll);
  const gates = perStep(gateAll);
  const dxps: Tensor2D[] = new Array<Tensor2D>(T);
  const dgs: Tensor2D[] = new Array<Tensor2D>(T);
  const dcs: Tensor2D[] = new Array<Tensor2D>(T);
  let dhCarry: Tensor2D = tf.zeros([B, H]);
  let dKeys: Tensor3D = tf.zeros([B, S, A]);
  let dv: Tensor2D = tf.zeros([A, 1]);
  for (let t = T - 1; t >= 0; t -= 1) {
    const r = tf.tidy(() => {
      const h = hPrev[t] as Tensor2D;
      // h' = n + z·(h − n): the gates' gradients (one kernel on wasm).
      const cell = gruCellBackward(tf.add(dhOut[t] as Tensor2D, dhCarry) as Tensor2D, gates[t] as Tensor2D, h);
      const dxp = cell.dxp;
      const dhh = cell.dhw;
      // x = projected + c·wContext
      const dc = tf.add(dcOut[t] as Tensor2D, plainMatMul(dxp, wContext, false, true)) as Tensor2D;
      // c = a·values, a = softmax(tanh(keys + q)·v + maskBias)·mask: the query's, keys' and v's gradients (one
      // kernel on wasm; 0 on padding, where a is 0).
      const attention = additiveAttentionGrad(keys, values, qs[t] as Tensor2D, v, as[t] as Tensor2D, dc);
      const dg = tf.concat([attention.dQuery, dhh], 1) as Tensor2D;
      const dhPrev = tf.add(cell.dh, plainMatMul(dg, wCat, false, true)) as Tensor2D;
      return { dxp, dg, dc, dhPrev, dKeys: tf.add(dKeys, attention.dKeys) as Tensor3D, dv: tf.add(dv, attention.dv) as Tensor2D };
    });
    tf.dispose([dhCarry, dKeys, dv]);
    dhCarry = r.dhPrev;
    dKeys = r.dKeys;
    dv = r.dv;
    dxps[t] = r.dxp;
    dgs[t] = r.dg;
    dcs[t] = r.dc;
  }
  const grads = tf.tidy(() => {
    const rows = (x: Tensor, cols: number): Tensor2D => tf.reshape(x, [T * B, cols]) as Tensor2D;
    const dG = rows(tf.stack(dgs), A + G);
    const dXp = rows(tf.stack(dxps), G);
    const dC = tf.stack(dcs) as Tensor3D;
    const dWCat = plainMatMul(rows(hPrevAll, H), dG, true, false);
    const [dwQuery, dwHh] = splitColumns(dWCat, [A, G]) as [Tensor2D, Tensor2D];
    // Column sums as ones·X: a GEMM, not an axis-0 reduction.
    const ones = tf.ones([1, T * B]) as Tensor2D;
    const dbHh = tf.reshape(plainMatMul(ones, (splitColumns(dG, [A, G])[1] as Tensor2D)), [G]);
    const dwContext = plainMatMul(rows(cAll, H), dXp, true, false);
    // dvalues[b] = Σ_t a_t[b]ᵀ · dc_t[b]: [B, S, T] · [B, T, H].
    const dValues = tf.matMul(tf.transpose(aAll, [1, 2, 0]), tf.transpose(dC, [1, 0, 2]));
    return [tf.reshape(dXp, [T, B, G]), dhCarry, dValues, dKeys, tf.zeros([B, S]), dwQuery, dv, dwContext, dwHh, dbHh];
  });
  tf.dispose([...dxps, ...dgs, ...dcs, ...hPrev, ...qs, ...as, ...gates, ...dcOut, ...dhOut]);
  return grads;
}
