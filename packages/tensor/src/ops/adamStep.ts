import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@nlpkit/core';
import { PKG } from '../errors.js';
import { registerWasmPointwise, wasmAdamStep } from '../kernels/wasmPointwise.js';

/** The constants of one {@link adamStep}. */
export interface AdamStepCoefficients {
  /** Decay of the first moment, e.g. 0.9. */
  readonly beta1: number;
  /** Decay of the second moment, e.g. 0.999. */
  readonly beta2: number;
  /** Added to the root of the second moment, e.g. 1e-8. */
  readonly epsilon: number;
  /** The learning rate of this step. */
  readonly lr: number;
  /**
   * Multiplies the gradient first, rounded to float32 as `tf.mul(g, gradScale)` rounds it: global-norm clipping's
   * factor applied in the same pass (`trainStep` on host backends). Default 1 (the gradient as it is).
   */
  readonly gradScale?: number;
}

/** The updated parameter and moments of one {@link adamStep}: new tensors (the inputs are left as they were). */
export interface AdamStepResult {
  readonly p: Tensor;
  readonly m: Tensor;
  readonly v: Tensor;
}

/**
 * One Adam update (Kingma & Ba 2015, PyTorch's `Adam` without weight decay) of a parameter `p` with gradient `g`
 * and moments `m`, `v` (one shape), given the bias corrections `c1 = 1 − beta1^t`, `c2 = 1 − beta2^t` as scalars
 * (so a step count kept on the device needs no read-back):
 * `m' = m·beta1 + g·(1 − beta1)`, `v' = v·beta2 + g²·(1 − beta2)`, `p' = p − ((m'/c1) / (√(v'/c2) + epsilon))·lr`,
 * with `g` first multiplied by `coefficients.gradScale` when that is given (clipping's factor).
 *
 * When no gradient is being recorded and the backend is wasm (float32), it is one WebAssembly SIMD pass
 * (`adamStep` in `wasmPointwise.wat`) that rounds every operation to float32 in the order of the ops below, so
 * both give the same bits. The ops are fourteen full passes over the parameter, each a fresh tensor: for the
 * 9 M parameters of the Multi30k translation model they took ~52 ms a step on wasm. Otherwise these ops.
 */
export function adamStep(p: Tensor, g: Tensor, m: Tensor, v: Tensor, c1: Scalar, c2: Scalar, coefficients: AdamStepCoefficients): AdamStepResult {
  const gradScale = checkAdamInputs(p, g, m, v, coefficients);
  const { beta1, beta2, epsilon, lr } = coefficients;
  const tensors = [p, g, m, v, c1, c2];
  if (!tf.engine().isTapeOn() && p.size > 0 && tensors.every((t) => t.dtype === 'float32') && c1.size === 1 && c2.size === 1 && registerWasmPointwise()) {
    const [pNext, mNext, vNext] = wasmAdamStep(p, g, m, v, c1, c2, { beta1, beta2, epsilon, lr, gradScale });
    return { p: pNext, m: mNext, v: vNext };
  }
  return tf.tidy(() => {
    const gs = gradScale === 1 ? g : tf.mul(g, gradScale);
    const mNext = tf.add(tf.mul(m, beta1), tf.mul(gs, 1 - beta1));
    const vNext = tf.add(tf.mul(v, beta2), tf.mul(tf.square(gs), 1 - beta2));
    const step = tf.div(tf.div(mNext, c1), tf.add(tf.sqrt(tf.div(vNext, c2)), epsilon));
    return { p: tf.sub(p, tf.mul(step, lr)), m: mNext, v: vNext };
  });
}

/** Throws unless g, m and v have p's shape and the gradient scale is finite; returns the scale (default 1). */
export function checkAdamInputs(p: Tensor, g: Tensor, m: Tensor, v: Tensor, coefficients: AdamStepCoefficients): number {
  for (const [name, t] of [['g', g], ['m', m], ['v', v]] as const) {
    if (t.rank !== p.rank || t.shape.some((d, i) => d !== p.shape[i])) {
      throw new InvalidArgumentError({ package: PKG, argument: name, expected: `shape [${p.shape.join(', ')}] (p's)`, foundText: `[${t.shape.join(', ')}]` });
    }
  }
  const gradScale = coefficients.gradScale ?? 1;
  if (!Number.isFinite(gradScale)) {
    throw new InvalidArgumentError({ package: PKG, argument: 'coefficients.gradScale', expected: 'a finite number', found: gradScale });
  }
  return gradScale;
}
