import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';

/** Marginals of one batch, kept on the host between the forward pass and the gradient. */
interface Marginals {
  /** `[B, T, K]` P(y_t = j) (0 at padding). */
  readonly unary: Float64Array;
  /** `[B, K, K]` Σ_t P(y_{t−1} = i, y_t = j). */
  readonly pairs: Float64Array;
  /** `[B, K]` P(y_last = i). */
  readonly last: Float64Array;
}

/**
 * Log-partition and marginals of each row by the forward–backward algorithm, in float64, with scaled
 * probabilities (each step normalised, its log scale carried), so there is no logsumexp per entry: one
 * K × K multiply-add pass per step forward, one backward, one for the pair marginals.
 */
function forwardBackward(
  e: Float32Array, trans: Float32Array, start: Float32Array, end: Float32Array, lengths: readonly number[], T: number, K: number,
): { logZ: Float32Array; marginals: Marginals } {
  const B = lengths.length;
  let mT = -Infinity;
  for (const v of trans) mT = Math.max(mT, v);
  const ET = Float64Array.from(trans, (v) => Math.exp(v - mT));
  let mEnd = -Infinity;
  for (const v of end) mEnd = Math.max(mEnd, v);
  const EE = Float64Array.from(end, (v) => Math.exp(v - mEnd));
  const logZ = new Float32Array(B);
  const unary = new Float64Array(B * T * K);
  const pairs = new Float64Array(B * K * K);
  const last = new Float64Array(B * K);
  const A = new Float64Array(T * K); // scaled forward probabilities
  const Bt = new Float64Array(T * K); // scaled backward probabilities
  const W = new Float64Array(T * K); // exp(e(t, j) − max_j e(t, ·))
  const u = new Float64Array(K);
  const pair = new Float64Array(K * K);
  for (let b = 0; b < B; b += 1) {
    const L = lengths[b] as number;
    const at = (t: number): number => (b * T + t) * K;
    for (let t = 0; t < L; t += 1) {
      let m = -Infinity;
      for (let j = 0; j < K; j += 1) m = Math.max(m, e[at(t) + j] as number);
      for (let j = 0; j < K; j += 1) W[t * K + j] = Math.exp((e[at(t) + j] as number) - m);
      if (t === 0) {
        let m0 = -Infinity;
        for (let j = 0; j < K; j += 1) m0 = Math.max(m0, (start[j] as number) + (e[at(0) + j] as number));
        let z = 0;
        for (let j = 0; j < K; j += 1) z += A[j] = Math.exp((start[j] as number) + (e[at(0) + j] as number) - m0);
        for (let j = 0; j < K; j += 1) A[j] = (A[j] as number) / z;
        logZ[b] = m0 + Math.log(z);
      } else {
        const scale = mT + m;
        for (let j = 0; j < K; j += 1) u[j] = 0;
        for (let i = 0; i < K; i += 1) {
          const a = A[(t - 1) * K + i] as number;
          if (a === 0) continue;
          for (let j = 0; j < K; j += 1) u[j] = (u[j] as number) + a * (ET[i * K + j] as number);
        }
        let z = 0;
        for (let j = 0; j < K; j += 1) z += A[t * K + j] = (u[j] as number) * (W[t * K + j] as number);
        for (let j = 0; j < K; j += 1) A[t * K + j] = (A[t * K + j] as number) / z;
        logZ[b] = (logZ[b] as number) + scale + Math.log(z);
      }
    }
    let zEnd = 0;
    for (let j = 0; j < K; j += 1) zEnd += (A[(L - 1) * K + j] as number) * (EE[j] as number);
    logZ[b] = (logZ[b] as number) + mEnd + Math.log(zEnd);
    // Backward probabilities (scaled per step; the scales cancel in the normalised marginals).
    for (let i = 0; i < K; i += 1) Bt[(L - 1) * K + i] = EE[i] as number;
    for (let t = L - 2; t >= 0; t -= 1) {
      let z = 0;
      for (let i = 0; i < K; i += 1) {
        let s = 0;
        for (let j = 0; j < K; j += 1) s += (ET[i * K + j] as number) * (W[(t + 1) * K + j] as number) * (Bt[(t + 1) * K + j] as number);
        Bt[t * K + i] = s;
        z += s;
      }
      for (let i = 0; i < K; i += 1) Bt[t * K + i] = (Bt[t * K + i] as number) / z;
    }
    for (let t = 0; t < L; t += 1) {
      let z = 0;
      for (let j = 0; j < K; j += 1) z += (A[t * K + j] as number) * (Bt[t * K + j] as number);
      for (let j = 0; j < K; j += 1) unary[at(t) + j] = ((A[t * K + j] as number) * (Bt[t * K + j] as number)) / z;
      if (t === 0) continue;
      // P(y_{t−1} = i, y_t = j) ∝ A_{t−1}(i) · ET(i, j) · W_t(j) · B_t(j).
      let zp = 0;
      const from = b * K * K;
      pair.fill(0);
      for (let i = 0; i < K; i += 1) {
        const a = A[(t - 1) * K + i] as number;
        if (a === 0) continue;
        for (let j = 0; j < K; j += 1) zp += pair[i * K + j] = a * (ET[i * K + j] as number) * (W[t * K + j] as number) * (Bt[t * K + j] as number);
      }
      for (let k = 0; k < K * K; k += 1) pairs[from + k] = (pairs[from + k] as number) + (pair[k] as number) / zp;
    }
    for (let j = 0; j < K; j += 1) last[b * K + j] = unary[at(L - 1) + j] as number;
  }
  return { logZ, marginals: { unary, pairs, last } };
}

/**
 * The CRF log-partition of each row, `[batch]`, computed on the host (for backends whose tensors live in host
 * memory): one read of the scores, the forward–backward algorithm in float64, and a gradient made of the
 * marginals it found; undefined when a row's scores are too extreme for scaled probabilities (d logZ / d emission = P(y_t = j), / d transition = the expected transition counts, / d start
 * and end = the first and last tags' marginals). Rows past their length get no gradient.
 *
 * Why: the forward algorithm as tensor ops is a dozen small kernels per time step forward and twice that
 * backward, each a fixed cost far above its K² work for the tag sets of NER and POS tagging.
 * @param emissions `[batch, T, K]`
 * @param transitions `[K, K]`, start and end `[K]`, with any constraint penalties already added
 * @param lengths valid tokens per row, each ≥ 1 (checked by the caller)
 */
export function crfLogPartitionHost(
  emissions: Tensor3D, transitions: Tensor2D, start: Tensor1D, end: Tensor1D, lengths: readonly number[],
): Tensor1D | undefined {
  const [B, T, K] = emissions.shape;
  const { logZ, marginals } = forwardBackward(
    emissions.dataSync() as Float32Array, transitions.dataSync() as Float32Array, start.dataSync() as Float32Array, end.dataSync() as Float32Array, lengths, T, K,
  );
  // Scaled probabilities lose a row only when every path's score sits ~745 nats below another's at some step
  // (scores far outside any trained model's): the caller then takes the log-space tensor path.
  if (!logZ.every(Number.isFinite)) return undefined;
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    void args;
    return {
      value: tf.tensor1d(logZ),
      gradFunc: (dy: Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const dE = new Float32Array(B * T * K);
        const dTr = new Float64Array(K * K);
        const dSt = new Float64Array(K);
        const dEn = new Float64Array(K);
        for (let b = 0; b < B; b += 1) {
          const s = g[b] as number;
          for (let k = b * T * K; k < (b + 1) * T * K; k += 1) dE[k] = s * (marginals.unary[k] as number);
          for (let k = 0; k < K * K; k += 1) dTr[k] = (dTr[k] as number) + s * (marginals.pairs[b * K * K + k] as number);
          for (let j = 0; j < K; j += 1) {
            dSt[j] = (dSt[j] as number) + s * (marginals.unary[b * T * K + j] as number);
            dEn[j] = (dEn[j] as number) + s * (marginals.last[b * K + j] as number);
          }
        }
        return [tf.tensor3d(dE, [B, T, K]), tf.tensor2d(Float32Array.from(dTr), [K, K]), tf.tensor1d(Float32Array.from(dSt)), tf.tensor1d(Float32Array.from(dEn))];
      },
    };
  });
  return op(emissions, transitions, start, end) as Tensor1D;
}
