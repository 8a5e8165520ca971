import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';

/**
 * A first-order optimizer over a flat state dict of variables. `apply` updates the variables in place; `state`
 * and `loadState` move the slot tensors (momentum, second moments, step count) in and out of checkpoints.
 */
export interface Optimizer {
  /** `'sgd'`, `'adagrad'` or `'adam'`. */
  readonly kind: string;
  /**
   * One update with learning rate `lr`; `grads` has the same keys as `params`. With `when` (a bool scalar on the
   * device), the update — variables, slots and step count — happens only where it is true: how
   * {@link trainStep} skips a NaN/Inf step without reading anything back. `gradScale`: see {@link scalesGradients}.
   */
  apply(params: Readonly<Record<string, Variable>>, grads: Readonly<Record<string, Tensor>>, lr: number, when?: Scalar, gradScale?: number): void;
  /**
   * True when {@link apply} takes `gradScale`: every gradient multiplied by that number first (rounded to float32,
   * as `tf.mul(g, gradScale)`), in the update's own pass where it can — how {@link trainStep} applies norm
   * clipping on host backends. The built-in optimizers do; for one that does not, trainStep multiplies the
   * gradients itself.
   */
  readonly scalesGradients?: boolean;
  /** The optimizer's state as named tensors, the step count under `step` (owned by the optimizer: do not dispose). */
  state(): Record<string, Tensor>;
  /** Replaces the state with copies of the given tensors (from {@link Optimizer.state} or a checkpoint). */
  loadState(state: Readonly<Record<string, Tensor>>): void;
  /** Frees the slot tensors. */
  dispose(): void;
}
