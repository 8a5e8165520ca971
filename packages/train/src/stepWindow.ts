import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import type { StepResult, StepValues } from './trainStep.js';

/** What a window of steps adds up to, once read. */
export interface WindowValues {
  /** Mean loss over the window's applied (not skipped) steps; NaN when every step was skipped. */
  loss: number;
  /** Gradient norm of the window's last step. */
  gradNorm: number;
  /** Steps in the window. */
  steps: number;
  /** Steps skipped (NaN/Inf) in the window. */
  skipped: number;
}

interface DeviceSums {
  loss: Scalar;
  applied: Scalar;
  skipped: Scalar;
  norm: Scalar;
}

/**
 * Running sums of the steps since the last read, kept on the device for tensor step results (so a step costs
 * no read-back) and in JavaScript for plain ones; {@link read} downloads them once, asynchronously.
 */
export class StepWindow {
  #steps = 0;
  #loss = 0;
  #applied = 0;
  #skipped = 0;
  #norm = NaN;
  #device: DeviceSums | undefined;
  /** Whether the last step's norm is the device's (a tensor result) or `#norm` (a plain one). */
  #lastOnDevice = false;

  /** Steps added since the last read. */
  get steps(): number {
    return this.#steps;
  }

  /** Adds one step's result; a tensor result is folded into the device sums and disposed. */
  add(result: StepResult | StepValues): void {
    this.#steps += 1;
    if (!isTensorResult(result)) {
      if (result.skipped) this.#skipped += 1;
      else {
        this.#loss += result.loss;
        this.#applied += 1;
      }
      this.#norm = result.gradNorm;
      this.#lastOnDevice = false;
      return;
    }
    const prev = this.#device;
    this.#device = tf.tidy(() => {
      const skipped = tf.cast(result.skipped, 'float32');
      const applied = tf.sub(1, skipped);
      const loss = tf.where(tf.cast(result.skipped, 'bool'), tf.zerosLike(result.loss), tf.cast(result.loss, 'float32'));
      return {
        loss: (prev === undefined ? loss : tf.add(prev.loss, loss)) as Scalar,
        applied: (prev === undefined ? applied : tf.add(prev.applied, applied)) as Scalar,
        skipped: (prev === undefined ? skipped : tf.add(prev.skipped, skipped)) as Scalar,
        norm: tf.cast(result.gradNorm, 'float32') as Scalar,
      };
    });
    if (prev !== undefined) tf.dispose([prev.loss, prev.applied, prev.skipped, prev.norm]);
    this.#lastOnDevice = true;
    result.dispose();
  }

  /** Reads (one download) and resets the window. */
  async read(): Promise<WindowValues> {
    let { loss, applied, skipped } = { loss: this.#loss, applied: this.#applied, skipped: this.#skipped };
    let norm = this.#norm;
    const device = this.#device;
    this.#device = undefined;
    if (device !== undefined) {
      const packed = tf.stack([device.loss, device.applied, device.skipped, device.norm]);
      try {
        const [l, a, s, n] = await packed.data();
        loss += l as number;
        applied += a as number;
        skipped += s as number;
        if (this.#lastOnDevice) norm = n as number;
      } finally {
        tf.dispose([packed, device.loss, device.applied, device.skipped, device.norm]);
      }
    }
    const steps = this.#steps;
    this.#steps = 0;
    this.#loss = 0;
    this.#applied = 0;
    this.#skipped = 0;
    this.#norm = NaN;
    this.#lastOnDevice = false;
    return { loss: applied > 0 ? loss / applied : NaN, gradNorm: norm, steps, skipped };
  }

  /** Frees the device sums without reading them. */
  dispose(): void {
    const d = this.#device;
    if (d !== undefined) tf.dispose([d.loss, d.applied, d.skipped, d.norm]);
    this.#device = undefined;
  }
}

function isTensorResult(result: StepResult | StepValues): result is StepResult {
  return typeof (result as StepResult).read === 'function';
}
