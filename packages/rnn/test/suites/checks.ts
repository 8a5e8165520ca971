import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { expectCloseAsync, type Numeric, type Tolerance } from '@nlpkit/tensor/testing';

/** One comparison a shared numeric test makes: `[what, ours, expected, tolerance]`. */
export type Check = readonly [what: string, actual: Numeric, expected: Numeric, tolerance: Tolerance];

/**
 * Runs `compute` inside `tf.tidy` (nothing is read back there), then reads every tensor it returned with
 * `await data()` — the read every backend supports, webgpu included — compares, and frees them.
 */
export async function expectChecks(compute: () => Check[]): Promise<void> {
  // tidy keeps the tensors nested anywhere in what the function returns.
  const checks = tf.tidy(() => compute() as unknown as tf.TensorContainer) as unknown as Check[];
  try {
    for (const [what, actual, expected, tolerance] of checks) await expectCloseAsync(actual, expected, tolerance, what);
  } finally {
    tf.dispose(checks.flatMap(([, a, b]) => [a, b].filter((x): x is Tensor => x instanceof tf.Tensor)));
  }
}

/** The values of a tensor computed inside `tf.tidy`, read asynchronously; the tensor is freed. */
export async function valuesOf(compute: () => Tensor): Promise<number[]> {
  const t = tf.tidy(compute);
  try {
    return Array.from(await t.data());
  } finally {
    t.dispose();
  }
}
