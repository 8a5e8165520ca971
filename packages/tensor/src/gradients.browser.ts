import { getGradient } from '@tensorflow/tfjs-core';

/**
 * Registers tfjs-core's gradient functions when none are registered yet. tfjs-core's ES module build leaves them
 * out (only its full `@tensorflow/tfjs` bundle adds them), so without this `tf.grad` fails with
 * "gradient function not found". Bundlers resolve this deep import; Node needs `gradients.node.ts`.
 * The package's `registerGradients` (and `initBackend`) call it.
 */
export async function registerGradients(): Promise<void> {
  if (getGradient('Mean') !== undefined) return;
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
}
