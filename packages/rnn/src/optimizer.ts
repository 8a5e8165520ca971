import type { Tensor, Variable } from '@tensorflow/tfjs-core';

/**
 * A first-order optimizer over a flat state dict of variables. `apply` updates the variables in place; `state`
 * and `loadState` move the slot tensors (momentum, second moments, step count) in and out of checkpoints.
 */
export interface Optimizer {
  /** `'sgd'`, `'adagrad'` or `'adam'`. */
  readonly kind: string;
  /** One update with learning rate `lr`; `grads` has the same keys as `params`. */
  apply(params: Readonly<Record<string, Variable>>, grads: Readonly<Record<string, Tensor>>, lr: number): void;
  /** The optimizer's state as named tensors (owned by the optimizer: do not dispose). */
  state(): Record<string, Tensor>;
  /** Replaces the state with copies of the given tensors (from {@link Optimizer.state} or a checkpoint). */
  loadState(state: Readonly<Record<string, Tensor>>): void;
  /** Frees the slot tensors. */
  dispose(): void;
}
