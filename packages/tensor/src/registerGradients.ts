import { registerGradients as registerForRuntime } from '#gradients';

/**
 * Registers tfjs-core's gradient functions when none are registered yet: what training needs (`tf.grad`,
 * `@nlpkit/train`'s `trainStep`). `initBackend` calls it unless told `{ gradients: false }`; a program that started
 * without them calls it before it trains. In Node it loads ~600 of tfjs-core's module files (~0.6 s); bundlers
 * include them in the app.
 *
 * @example
 * await initBackend({ gradients: false }); // decoding only
 * // … later, before the first training step:
 * await registerGradients();
 */
export function registerGradients(): Promise<void> {
  return registerForRuntime();
}
