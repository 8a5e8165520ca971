import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import { UnsupportedError } from '@nlpkit/core';
import { isHostBackend } from '@nlpkit/tensor';
import { PKG } from './errors.js';
import { checkClipOptions, clipGradients, clipScale, type ClipOptions } from './clipGradients.js';
import type { Optimizer } from './optimizers/optimizer.js';

/** The numbers of one step, once read back from the device. */
export interface StepValues {
  /** The loss before the update. */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** True when the loss or a gradient held NaN/Inf and no update was applied. */
  skipped: boolean;
}

/**
 * Result of {@link trainStep}: scalars that stay on the device until someone asks for them. Reading them in
 * every step would make the CPU wait for the GPU each time; {@link trainLoop} reads them every `logEvery` steps.
 * Call {@link read} or {@link dispose} (the loop does): the three scalars are kept outside any `tidy`.
 */
export interface StepResult {
  /** The loss before the update (float32 scalar). */
  readonly loss: Scalar;
  /** Global gradient norm before clipping (float32 scalar). */
  readonly gradNorm: Scalar;
  /** Bool scalar: true when the step was skipped because of NaN/Inf. */
  readonly skipped: Scalar;
  /** Reads the three values in one asynchronous download, then disposes them. */
  read(): Promise<StepValues>;
  /** Disposes the three scalars without reading them. */
  dispose(): void;
}

/**
 * One optimisation step: gradients of `loss` with respect to `params`, clipping, and the optimizer update —
 * unless the loss or a gradient is NaN/Inf, in which case nothing changes and `skipped` is true. On GPU backends
 * nothing is read back from the device: the update is masked there (`tf.where` per parameter and slot). On host
 * backends (cpu, wasm, tfjs-node; {@link isHostBackend}) the norm and the loss are read instead and the update
 * is applied unmasked or not at all — the same values, without three full-size selects per parameter, which cost
 * more than the whole forward pass of a small tagger on wasm — and the norm clipping's factor is applied in the
 * optimizer's own pass ({@link Optimizer.scalesGradients}), not as a multiplication of every gradient. The loss, norm and skip flag come back as scalars
 * for the caller (or {@link trainLoop}) to read when it wants. Every other intermediate tensor is freed.
 * @param params trainable variables by name (a flat state dict)
 * @param loss builds the scalar loss from the current variables
 * @param optimizer e.g. `sgd({ momentum: 0.9 })`
 * @param lr learning rate for this step
 * @param clip optional clipping
 * @throws UnsupportedError (code `ERR_NO_GRADIENTS`) when tfjs-core's gradients are not registered
 *   (`initBackend({ gradients: false })` without `registerGradients()`)
 */
export function trainStep(
  params: Readonly<Record<string, Variable>>,
  loss: () => Scalar,
  optimizer: Optimizer,
  lr: number,
  clip: ClipOptions = {},
): StepResult {
  if (tf.getGradient('Mean') === undefined) {
    // tfjs-core registers its gradient functions all together, or (its Node builds) not at all.
    throw new UnsupportedError(
      { package: PKG, message: "trainStep needs tfjs-core's gradient functions, and none are registered: start the backend with initBackend() without { gradients: false }, or call registerGradients() (both from @nlpkit/tensor) first" },
      'ERR_NO_GRADIENTS',
    );
  }
  const { maxNorm, maxValue } = checkClipOptions(clip);
  const out = tf.tidy(() => {
    const names = Object.keys(params);
    const vars = names.map((n) => params[n] as Variable);
    const { value, grads } = tf.variableGrads(loss, vars);
    const byName: Record<string, Tensor> = {};
    names.forEach((n, i) => {
      const g = grads[(vars[i] as Variable).name];
      if (g !== undefined) byName[n] = g;
    });
    if (!isHostBackend()) {
      const clipped = clipGradients(byName, clip);
      const ok = tf.logicalAnd(clipped.finite, tf.isFinite(value)) as Scalar;
      optimizer.apply(params, clipped.grads, lr, ok);
      return { loss: value, gradNorm: clipped.norm, skipped: tf.logicalNot(ok) as Scalar };
    }
    // On the host the norm and the loss are read (two numbers), and the norm clipping's factor goes into the
    // optimizer's own pass: the scaled gradients are never written out.
    const unscaled = clipGradients(byName, maxValue === undefined ? {} : { maxValue });
    const norm = unscaled.norm.dataSync()[0] as number;
    const ok = Number.isFinite(norm) && Number.isFinite(value.dataSync()[0]);
    if (ok) {
      const scale = clipScale(norm, maxNorm);
      if (optimizer.scalesGradients === true) optimizer.apply(params, unscaled.grads, lr, undefined, scale);
      else optimizer.apply(params, scale === 1 ? unscaled.grads : scaled(unscaled.grads, scale), lr);
    }
    return { loss: value, gradNorm: unscaled.norm, skipped: tf.scalar(!ok, 'bool') as Scalar };
  });
  return stepResult(out.loss, out.gradNorm, out.skipped);
}

/** Every gradient times `scale` (a float32 scalar, as clipping's ops multiply). */
function scaled(grads: Readonly<Record<string, Tensor>>, scale: number): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, scale)]));
}

/** Wraps three device scalars as a {@link StepResult}. */
export function stepResult(loss: Scalar, gradNorm: Scalar, skipped: Scalar): StepResult {
  return {
    loss,
    gradNorm,
    skipped,
    async read() {
      const packed = tf.tidy(() => tf.stack([tf.cast(loss, 'float32'), tf.cast(gradNorm, 'float32'), tf.cast(skipped, 'float32')]));
      try {
        const [l, n, s] = await packed.data();
        return { loss: l as number, gradNorm: n as number, skipped: s === 1 };
      } finally {
        tf.dispose([packed, loss, gradNorm, skipped]);
      }
    },
    dispose() {
      tf.dispose([loss, gradNorm, skipped]);
    },
  };
}
