import { InvalidArgumentError } from '@nlpkit/core';
import { PKG } from '../errors.js';

/** Smallest probability whose log is taken; only a diverged model gets near it (loss ≈ 87 nats). */
export const TINY = 1e-38;
const LOG_TINY = Math.log(TINY);

/**
 * Row softmax and label-smoothed token cross-entropy of `logits: [N, V]` in one pass per row, over
 * Float32Arrays: writes the probabilities into `probs` and returns each row's loss
 * −[(1 − ε)·log p_t + ε·mean_j log p_j] (before masking).
 *
 * Why: on a backend running plain JavaScript (tfjs-backend-cpu) the op-by-op softmax + gather + log of a
 * 700 × 10k batch makes several passes over 28 MB; here each row is read twice and written once. Row maximum,
 * exponential sums and the log-sum-exp are in float64, so log p_t is exact to float32 rounding.
 */
export function softmaxXentRows(logits: Float32Array, targets: Int32Array, N: number, V: number, eps: number, probs: Float32Array): Float32Array {
  const rows = new Float32Array(N);
  for (let i = 0; i < N; i += 1) {
    const base = i * V;
    let max = -Infinity;
    let total = 0;
    for (let j = 0; j < V; j += 1) {
      const x = logits[base + j] as number;
      if (x > max) max = x;
      total += x;
    }
    let sum = 0;
    for (let j = 0; j < V; j += 1) {
      const e = Math.exp((logits[base + j] as number) - max);
      probs[base + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < V; j += 1) probs[base + j] = (probs[base + j] as number) * inv;
    const lse = max + Math.log(sum);
    const t = targets[i] as number;
    if (!(t >= 0 && t < V)) {
      throw new InvalidArgumentError({ package: PKG, argument: 'targets', expected: `token ids from 0 to ${V - 1}`, foundText: `${t} at row ${i}` });
    }
    const logPt = Math.max((logits[base + t] as number) - lse, LOG_TINY);
    let loss = -logPt;
    // mean_j log p_j = mean_j x_j − lse.
    if (eps > 0) loss = (1 - eps) * loss - eps * (total / V - lse);
    rows[i] = loss;
  }
  return rows;
}

/**
 * The gradient of the token losses with respect to the logits, `(p − q) · scale_i` with
 * q = (1 − ε)·onehot(t) + ε/V, in one pass over `probs: [N, V]`.
 */
export function softmaxXentGrad(probs: Float32Array, targets: Int32Array, scale: Float32Array, N: number, V: number, eps: number): Float32Array {
  const out = new Float32Array(N * V);
  const off = eps / V;
  for (let i = 0; i < N; i += 1) {
    const base = i * V;
    const s = scale[i] as number;
    for (let j = 0; j < V; j += 1) out[base + j] = ((probs[base + j] as number) - off) * s;
    const t = base + (targets[i] as number);
    out[t] = ((probs[t] as number) - off - (1 - eps)) * s;
  }
  return out;
}
