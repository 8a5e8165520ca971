import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { adamStep, adamUpdate } from '@nlpkit/tensor';
import type { Optimizer } from './optimizer.js';
import { gated, gradScaleOf, Slots } from './slots.js';
import { check } from '../errors.js';

/** Options of {@link adam}. */
export interface AdamOptions {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
}

/** Adam (Kingma & Ba 2015) with bias correction, as PyTorch's `Adam`. */
export function adam(options: AdamOptions = {}): Optimizer {
  check.options(options, 'options', ['beta1', 'beta2', 'epsilon']);
  const b1 = check.number(options.beta1 ?? 0.9, 'options.beta1', 0, 0.999999);
  const b2 = check.number(options.beta2 ?? 0.999, 'options.beta2', 0, 0.999999);
  const eps = check.number(options.epsilon ?? 1e-8, 'options.epsilon', 0, 1);
  const slots = new Slots();
  return {
    kind: 'adam',
    scalesGradients: true,
    apply(params, grads, lr, when, gradScale) {
      const scale = gradScaleOf(gradScale);
      tf.tidy(() => {
        // The step count stays on the device (a skipped step does not count), so the bias corrections are ops too.
        const t = slots.tick(when);
        const c1 = tf.sub<Scalar>(1, tf.pow(b1, t));
        const c2 = tf.sub<Scalar>(1, tf.pow(b2, t));
        for (const [name, p] of Object.entries(params)) {
          const g = grads[name];
          if (g === undefined) continue;
          const m = slots.get(`${name}.m`, p);
          const v = slots.get(`${name}.v`, p);
          // One pass on wasm (adamStep's kernel, the gradient scaled in it), the same bits as its ops elsewhere;
          // unmasked, written over the variables where nothing else shares their memory.
          const coefficients = { beta1: b1, beta2: b2, epsilon: eps, lr, gradScale: scale };
          if (when === undefined) {
            adamUpdate(p, g, m, v, c1, c2, coefficients);
            continue;
          }
          const next = adamStep(p, g, m, v, c1, c2, coefficients);
          m.assign(gated(when, next.m, m));
          v.assign(gated(when, next.v, v));
          p.assign(gated(when, next.p, p));
        }
      });
    },
    state: () => slots.state(),
    loadState: (state) => slots.load(state),
    dispose: () => slots.dispose(),
  };
}
