import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { globalNorm } from '@nlpkit/tensor';
import { check } from './errors.js';

/** Options of {@link clipGradients}. */
export interface ClipOptions {
  /** Global-norm clipping: if ‖g‖ ≥ maxNorm then g ← maxNorm·g/‖g‖ (Pascanu et al. 2013). */
  maxNorm?: number;
  /** Per-value clipping to [−maxValue, maxValue], applied before the norm clip. */
  maxValue?: number;
}

/** Result of {@link clipGradients}: tensors on the device, nothing read back. */
export interface ClipResult {
  /** Clipped gradients (new tensors; the caller disposes them, or runs inside `tidy`). */
  grads: Record<string, Tensor>;
  /** Global L2 norm of the gradients before norm clipping, a scalar (NaN or Infinity when any value is). */
  norm: Scalar;
  /** Bool scalar: false when any gradient value is NaN or ±Infinity, and the step should be skipped. */
  finite: Scalar;
}

/** {@link ClipOptions} checked: the limits, or undefined where not given. */
export function checkClipOptions(options: ClipOptions): { maxNorm: number | undefined; maxValue: number | undefined } {
  check.options(options, 'options', ['maxNorm', 'maxValue']);
  return {
    maxNorm: options.maxNorm === undefined ? undefined : check.number(options.maxNorm, 'options.maxNorm', 0, Number.MAX_VALUE),
    maxValue: options.maxValue === undefined ? undefined : check.number(options.maxValue, 'options.maxValue', 0, Number.MAX_VALUE),
  };
}

/**
 * The factor norm clipping multiplies the gradients by, from a norm read back as a number (a float32 value): the
 * same float32 as {@link clipGradients}' ops give on the device, `maxNorm / ‖g‖` where `‖g‖ ≥ maxNorm > 0`,
 * else 1 (also for NaN, and without `maxNorm`).
 */
export function clipScale(norm: number, maxNorm: number | undefined): number {
  if (maxNorm === undefined) return 1;
  const limit = Math.fround(maxNorm);
  return norm >= limit && norm > 0 ? Math.fround(limit / norm) : 1;
}

/**
 * Per-value and global-norm gradient clipping, computed entirely on the device: the norm and the scale are tf
 * ops, and nothing is read back, because a read-back (`dataSync`) in every step stalls a GPU until all queued
 * work is done. Read {@link ClipResult.norm} later, asynchronously, if you want to log it. NaN/Inf anywhere in
 * the gradients propagates into the sum of squares, so `finite` also tells whether the step is safe to apply.
 * The norm is `@nlpkit/tensor`'s `globalNorm` (on wasm one pass per gradient, summed in float64).
 */
export function clipGradients(grads: Readonly<Record<string, Tensor>>, options: ClipOptions = {}): ClipResult {
  const { maxNorm, maxValue } = checkClipOptions(options);
  const names = Object.keys(grads);
  const out: Record<string, Tensor> = {};
  for (const name of names) {
    const g = grads[name] as Tensor;
    out[name] = maxValue === undefined ? g : tf.clipByValue(g, -maxValue, maxValue);
  }
  const norm = globalNorm(names.map((n) => out[n] as Tensor));
  const finite = tf.isFinite(norm) as Scalar;
  if (maxNorm === undefined) return { grads: out, norm, finite };
  // scale = maxNorm / ‖g‖ where ‖g‖ ≥ maxNorm > 0, else 1; comparisons with NaN are false, so a NaN norm keeps 1.
  const scale = tf.tidy(() => {
    const clip = tf.logicalAnd(tf.greaterEqual(norm, maxNorm), tf.greater(norm, 0));
    return tf.where(clip, tf.div(maxNorm, norm), tf.onesLike(norm));
  });
  const clipped: Record<string, Tensor> = {};
  for (const name of names) clipped[name] = tf.mul(out[name] as Tensor, scale);
  scale.dispose();
  return { grads: clipped, norm, finite };
}
