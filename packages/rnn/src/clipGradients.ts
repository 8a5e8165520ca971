import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkKeys, checkNumber } from './validate.js';

/** Options of {@link clipGradients}. */
export interface ClipOptions {
  /** Global-norm clipping: if ‖g‖ ≥ maxNorm then g ← maxNorm·g/‖g‖ (Pascanu et al. 2013). */
  maxNorm?: number;
  /** Per-value clipping to [−maxValue, maxValue], applied before the norm clip. */
  maxValue?: number;
}

/** Result of {@link clipGradients}. */
export interface ClipResult {
  /** Clipped gradients (new tensors; the caller disposes them, or runs inside `tidy`). */
  grads: Record<string, Tensor>;
  /** Global L2 norm of the gradients before norm clipping (NaN or Infinity when any value is). */
  norm: number;
  /** False when any gradient value is NaN or ±Infinity: the step should be skipped. */
  finite: boolean;
}

/**
 * Per-value and global-norm gradient clipping. Reads one number back (the norm), which also tells whether any
 * gradient is NaN/Inf, since those propagate into the sum of squares.
 */
export function clipGradients(grads: Readonly<Record<string, Tensor>>, options: ClipOptions = {}): ClipResult {
  checkKeys('clip options', options, ['maxNorm', 'maxValue']);
  const maxNorm = options.maxNorm === undefined ? undefined : checkNumber('maxNorm', options.maxNorm, 0, Number.MAX_VALUE);
  const maxValue = options.maxValue === undefined ? undefined : checkNumber('maxValue', options.maxValue, 0, Number.MAX_VALUE);
  const names = Object.keys(grads);
  let out: Record<string, Tensor> = {};
  for (const name of names) {
    const g = grads[name] as Tensor;
    out[name] = maxValue === undefined ? g : tf.clipByValue(g, -maxValue, maxValue);
  }
  const sq = tf.tidy(() => tf.addN(names.map((n) => tf.sum(tf.square(out[n] as Tensor)))));
  const norm = Math.sqrt(sq.dataSync()[0] as number);
  sq.dispose();
  const finite = Number.isFinite(norm);
  if (finite && maxNorm !== undefined && norm >= maxNorm && norm > 0) {
    const scale = maxNorm / norm;
    const clipped: Record<string, Tensor> = {};
    for (const name of names) clipped[name] = tf.mul(out[name] as Tensor, scale);
    out = clipped;
  }
  return { grads: out, norm, finite };
}
