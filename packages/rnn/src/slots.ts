import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { PKG, RnnCheckpointError } from './errors.js';

/**
 * Named slot variables of an optimizer (`<param>.<slot>`), created lazily with the parameter's shape, plus a
 * step counter. Shared by the optimizers so that state and checkpoints work the same way for all of them.
 */
export class Slots {
  readonly #vars = new Map<string, Variable>();
  #step = 0;

  /** The number of applied updates. */
  get step(): number {
    return this.#step;
  }

  /** Counts one update. */
  tick(): number {
    this.#step += 1;
    return this.#step;
  }

  /** The slot `name` for `like`'s shape, zeros (or `init`) the first time. */
  get(name: string, like: Tensor, init = 0): Variable {
    let v = this.#vars.get(name);
    if (v === undefined) {
      // Inside tidy, so the initial tensor's handle is released and only the variable holds the data.
      v = tf.tidy(() => tf.variable(tf.fill(like.shape, init), false));
      this.#vars.set(name, v);
    }
    return v;
  }

  /** Slots as a state dict with the step count under `step`. */
  state(): Record<string, Tensor> {
    const out: Record<string, Tensor> = Object.fromEntries(this.#vars);
    const prev = this.#stepTensor;
    if (prev === undefined || (prev.dataSync()[0] as number) !== this.#step) {
      prev?.dispose();
      this.#stepTensor = tf.keep(tf.scalar(this.#step, 'int32'));
    }
    out['step'] = this.#stepTensor as Tensor;
    return out;
  }

  #stepTensor: Tensor | undefined;

  /** Replaces all slots by copies of `state`'s tensors. */
  load(state: Readonly<Record<string, Tensor>>): void {
    const step = state['step'];
    if (step === undefined || step.size !== 1) {
      throw new RnnCheckpointError(`${PKG}: optimizer state must contain a scalar "step", got ${step === undefined ? 'none' : `shape [${step.shape.join(', ')}]`}`);
    }
    this.dispose();
    this.#step = step.dataSync()[0] as number;
    for (const [name, t] of Object.entries(state)) {
      if (name !== 'step') this.#vars.set(name, tf.tidy(() => tf.variable(tf.clone(t), false)));
    }
  }

  /** Frees every slot. */
  dispose(): void {
    for (const v of this.#vars.values()) v.dispose();
    this.#vars.clear();
    this.#stepTensor?.dispose();
    this.#stepTensor = undefined;
  }
}
