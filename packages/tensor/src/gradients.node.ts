import { register } from 'node:module';
import { getGradient } from '@tensorflow/tfjs-core';

// tfjs-core's ES module files import each other without file extensions ('./ops/add'), which bundlers accept and
// Node's ESM loader rejects. This resolve hook retries such relative imports, and only those made from inside an
// @tensorflow package, with '.js' and then '/index.js'. Everything else resolves exactly as before. It is a data: URL
// so it works the same from TypeScript sources and from the built package.
const resolveHook = `
const retry = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT']);
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const parent = context.parentURL ?? '';
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (error && retry.has(error.code) && parent.includes('/@tensorflow/') && relative && !specifier.endsWith('.js')) {
      try {
        return await next(specifier + '.js', context);
      } catch {
        return next(specifier + '/index.js', context);
      }
    }
    throw error;
  }
}`;

const hookFlag = Symbol.for('@nlpkit/tensor:tfjs-resolve-hook');

/**
 * Registers tfjs-core's gradient functions when none are registered yet. Neither of tfjs-core's Node builds
 * registers them (only the full `@tensorflow/tfjs` bundle does), so without this `tf.grad` fails with
 * "gradient function not found for Mean". The gradient modules register into tfjs's global registry, so the one
 * engine every backend shares sees them.
 */
export async function registerGradients(): Promise<void> {
  if (getGradient('Mean') !== undefined) return;
  const flags = globalThis as Record<symbol, unknown>;
  if (flags[hookFlag] !== true) {
    register(`data:text/javascript,${encodeURIComponent(resolveHook)}`);
    flags[hookFlag] = true;
  }
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
}
