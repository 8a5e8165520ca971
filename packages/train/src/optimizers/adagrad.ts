import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from './optimizer.js';
import { gated, gradScaleOf, scaledGradient, Slots } from './slots.js';
import { check } from '../errors.js';

/** Options of {@link adagrad}. */
export interface AdagradOptions {
  /** Initial accumulator value. Default 0.1 (as in tfjs and the original paper's implementations). */
  initialAccumulator?: number;
  /** Added to the root of the accumulator. Default 1e-10 (PyTorch). */
  epsilon?: number;
}

/** Adagrad (Duchi et al. 2011): p ← p − lr·g / (√Σg² + ε). */
export function adagrad(options: AdagradOptions = {}): Optimizer {
  check.options(options, 'options', ['initialAccumulator', 'epsilon']);
  const init = check.number(options.initialAccumulator ?? 0.1, 'options.initialAccumulator', 0, 1e6);
  const eps = check.number(options.epsilon ?? 1e-10, 'options.epsilon', 0, 1);
  const slots = new Slots();
  return {
    kind: 'adagrad',
    scalesGradients: true,
    apply(params, grads, lr, when, gradScale) {
      const scale = gradScaleOf(gradScale);
      tf.tidy(() => {
        slots.tick(when);
        for (const [name, p] of Object.entries(params)) {
          const raw = grads[name];
          if (raw === undefined) continue;
          const g = scaledGradient(raw, scale);
          const acc = slots.get(`${name}.sum`, p, init);
          const accNext = tf.add(acc, tf.square(g));
          acc.assign(gated(when, accNext, acc));
          p.assign(gated(when, tf.sub(p, tf.div(tf.mul(g, lr), tf.add(tf.sqrt(accNext), eps))), p));
        }
      });
    },
    state: () => slots.state(),
    loadState: (state) => slots.load(state),
    dispose: () => slots.dispose(),
  };
}
