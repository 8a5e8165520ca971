/**
 * Per-step `[batch]` validity masks as one time-major `[T · batch]` array (1 valid, 0 padding), the layout the
 * fused sequence kernels read; null (every row has every step) gives all ones.
 */
export function flattenStepMasks(masks: readonly Float32Array[] | null, steps: number, batch: number): Float32Array {
  const out = new Float32Array(steps * batch).fill(1);
  masks?.forEach((m, t) => out.set(m, t * batch));
  return out;
}
