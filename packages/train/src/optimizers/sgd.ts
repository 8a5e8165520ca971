import * as tf from '@tensorflow/tfjs-core';
import { sgdUpdate } from '@nlpkit/tensor';
import type { Optimizer } from './optimizer.js';
import { gated, gradScaleOf, scaledGradient, Slots } from './slots.js';
import { check } from '../errors.js';

/** Options of {@link sgd}. */
export interface SgdOptions {
  /** Momentum μ (PyTorch's form: v ← μv + g, p ← p − lr·v). Default 0. */
  momentum?: number;
  /** Nesterov momentum (p ← p − lr·(g + μv)). Default false. */
  nesterov?: boolean;
  /** L2 weight decay added to the gradient. Default 0. */
  weightDecay?: number;
}

/** Stochastic gradient descent, optionally with (Nesterov) momentum and weight decay, as PyTorch's `SGD`. */
export function sgd(options: SgdOptions = {}): Optimizer {
  check.options(options, 'options', ['momentum', 'nesterov', 'weightDecay']);
  const mu = check.number(options.momentum ?? 0, 'options.momentum', 0, 1);
  const wd = check.number(options.weightDecay ?? 0, 'options.weightDecay', 0, 1);
  if (options.nesterov !== undefined) check.boolean(options.nesterov, 'options.nesterov');
  const slots = new Slots();
  return {
    kind: 'sgd',
    scalesGradients: true,
    apply(params, grads, lr, when, gradScale) {
      const scale = gradScaleOf(gradScale);
      tf.tidy(() => {
        slots.tick(when);
        for (const [name, p] of Object.entries(params)) {
          const raw = grads[name];
          if (raw === undefined) continue;
          if (when === undefined && wd === 0 && mu === 0) {
            // Plain SGD: one update in place on wasm (sgdUpdate; the same bits as the ops below).
            sgdUpdate(p, raw, lr, scale);
            continue;
          }
          let g = scaledGradient(raw, scale);
          if (wd > 0) g = tf.add(g, tf.mul(p, wd));
          if (mu > 0) {
            const v = slots.get(`${name}.momentum`, p);
            const vNext = tf.add(tf.mul(v, mu), g);
            v.assign(gated(when, vNext, v));
            g = options.nesterov === true ? tf.add(g, tf.mul(vNext, mu)) : vNext;
          }
          p.assign(gated(when, tf.sub(p, tf.mul(g, lr)), p));
        }
      });
    },
    state: () => slots.state(),
    loadState: (state) => slots.load(state),
    dispose: () => slots.dispose(),
  };
}
