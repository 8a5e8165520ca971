import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from './optimizer.js';
import { Slots } from './slots.js';
import { checkKeys, checkNumber } from './validate.js';

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
  checkKeys('adam options', options, ['beta1', 'beta2', 'epsilon']);
  const b1 = checkNumber('beta1', options.beta1 ?? 0.9, 0, 0.999999);
  const b2 = checkNumber('beta2', options.beta2 ?? 0.999, 0, 0.999999);
  const eps = checkNumber('epsilon', options.epsilon ?? 1e-8, 0, 1);
  const slots = new Slots();
  return {
    kind: 'adam',
    apply(params, grads, lr) {
      const t = slots.tick();
      const c1 = 1 - b1 ** t;
      const c2 = 1 - b2 ** t;
      tf.tidy(() => {
        for (const [name, p] of Object.entries(params)) {
          const g = grads[name];
          if (g === undefined) continue;
          const m = slots.get(`${name}.m`, p);
          const v = slots.get(`${name}.v`, p);
          const mNext = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
          const vNext = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
          m.assign(mNext);
          v.assign(vNext);
          const step = tf.div(tf.div(mNext, c1), tf.add(tf.sqrt(tf.div(vNext, c2)), eps));
          p.assign(tf.sub(p, tf.mul(step, lr)));
        }
      });
    },
    state: () => slots.state(),
    loadState: (state) => slots.load(state),
    dispose: () => slots.dispose(),
  };
}
