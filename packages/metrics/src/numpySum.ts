/**
 * numpy's pairwise summation of a float64 array (`np.sum`, and so `np.mean` and `np.average`). seqeval and
 * scikit-learn average per-class scores with numpy, and a plain left-to-right loop can differ from it in the last
 * bits once there are eight or more classes; summing the same way keeps the averages bit-identical.
 */
export function numpySum(values: readonly number[], start = 0, n = values.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += values[start + i] as number;
    return res;
  }
  if (n <= 128) {
    const r = values.slice(start, start + 8) as number[];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] = (r[j] as number) + (values[start + i + j] as number);
    }
    const [r0, r1, r2, r3, r4, r5, r6, r7] = r as [number, number, number, number, number, number, number, number];
    // prettier-ignore
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += values[start + i] as number;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpySum(values, start, n2) + numpySum(values, start + n2, n - n2);
}

/** `np.average(values)` (NaN for an empty array, as numpy returns with a warning). */
export function numpyMean(values: readonly number[]): number {
  return numpySum(values) / values.length;
}

/** `np.average(values, weights=weights)`: Σ(values·weights) / Σweights, both sums pairwise. */
export function numpyWeightedMean(values: readonly number[], weights: readonly number[]): number {
  return numpySum(values.map((v, i) => v * (weights[i] as number))) / numpySum(weights);
}
