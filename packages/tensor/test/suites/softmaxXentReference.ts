import { expect } from 'vitest';

/**
 * The masked, label-smoothed softmax cross-entropy and its gradient in float64, what every backend's kernels are
 * checked against: −Σᵢ mᵢ [(1 − ε) log p_t + ε mean_j log p_j] / Σm (log p_t floored at log 1e-38, as the ops
 * floor it) and (p − q)·m/Σm with q = (1 − ε)·onehot + ε/V.
 */
export function softmaxXentReference(x: Float32Array, t: Int32Array, m: Float32Array, N: number, V: number, eps: number): { loss: number; grad: Float64Array } {
  const total = Math.max(m.reduce((s, v) => s + v, 0), 1e-12);
  let loss = 0;
  const grad = new Float64Array(N * V);
  for (let i = 0; i < N; i += 1) {
    const row = x.subarray(i * V, (i + 1) * V);
    let max = -Infinity;
    let sum = 0;
    for (const v of row) max = Math.max(max, v);
    for (const v of row) sum += Math.exp(v - max);
    const lse = max + Math.log(sum);
    const ti = t[i] as number;
    const mi = m[i] as number;
    const meanLogP = row.reduce((s, v) => s + v, 0) / V - lse;
    loss -= (mi * ((1 - eps) * Math.max((row[ti] as number) - lse, Math.log(1e-38)) + eps * meanLogP)) / total;
    for (let j = 0; j < V; j += 1) grad[i * V + j] = ((Math.exp((row[j] as number) - lse) - (j === ti ? 1 - eps : 0) - eps / V) * mi) / total;
  }
  return { loss, grad };
}

/** The largest absolute difference of two equally long arrays. */
export function worstDifference(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let w = 0;
  for (let i = 0; i < got.length; i += 1) w = Math.max(w, Math.abs((got[i] as number) - (want[i] as number)));
  return w;
}
