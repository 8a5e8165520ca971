import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import { clipGradients, type ClipOptions } from './clipGradients.js';
import type { Optimizer } from './optimizer.js';

/** Result of {@link trainStep}. */
export interface StepResult {
  /** The loss before the update. */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** True when the gradient held NaN/Inf and no update was applied. */
  skipped: boolean;
}

/**
 * One optimisation step: gradients of `loss` with respect to `params`, clipping, and the optimizer update —
 * unless the loss or a gradient is NaN/Inf, in which case nothing changes and `skipped` is true (the caller
 * reports it). Every intermediate tensor is freed before returning.
 * @param params trainable variables by name (a flat state dict)
 * @param loss builds the scalar loss from the current variables
 * @param optimizer e.g. `sgd({ momentum: 0.9 })`
 * @param lr learning rate for this step
 * @param clip optional clipping
 */
export function trainStep(
  params: Readonly<Record<string, Variable>>,
  loss: () => Scalar,
  optimizer: Optimizer,
  lr: number,
  clip: ClipOptions = {},
): StepResult {
  return tf.tidy(() => {
    const names = Object.keys(params);
    const vars = names.map((n) => params[n] as Variable);
    const { value, grads } = tf.variableGrads(loss, vars);
    const byName: Record<string, Tensor> = {};
    names.forEach((n, i) => {
      const g = grads[(vars[i] as Variable).name];
      if (g !== undefined) byName[n] = g;
    });
    const lossValue = value.dataSync()[0] as number;
    const clipped = clipGradients(byName, clip);
    const skipped = !clipped.finite || !Number.isFinite(lossValue);
    if (!skipped) optimizer.apply(params, clipped.grads, lr);
    return { loss: lossValue, gradNorm: clipped.norm, skipped };
  });
}
