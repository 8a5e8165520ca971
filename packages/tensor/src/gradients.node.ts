import { register } from 'node:module';
import { getGradient } from '@tensorflow/tfjs-core';

// tfjs-core's ES module files import each other without file extensions ('./ops/add'), which bundlers accept and
// Node's ESM loader rejects. This resolve hook resolves such relative imports, and only those made from an
// @tensorflow package's file, to the '.js' file, else the folder's 'index.js', found by a look at the disk: no
// failed resolution first (the loader's error, thrown and caught ~600 times, cost ~0.3 s), and the format is given
// as 'module' (they are the ES module build's own files), so the loader does not first try them as CommonJS
// (~0.1 s). Anything else, or a specifier neither file exists for, resolves exactly as before. It is a data: URL so
// it works the same from TypeScript sources and from the built package.
const resolveHook = `
import { existsSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const parent = context.parentURL ?? '';
  if (parent.startsWith('file:') && parent.includes('/@tensorflow/') && (specifier.startsWith('./') || specifier.startsWith('../')) && !specifier.endsWith('.js')) {
    for (const tail of ['.js', '/index.js']) {
      const url = new URL(specifier + tail, parent);
      if (existsSync(url)) return { url: url.href, format: 'module', shortCircuit: true };
    }
  }
  return next(specifier, context);
}`;

const hookFlag = Symbol.for('@nlpkit/tensor:tfjs-resolve-hook');

/**
 * Registers tfjs-core's gradient functions when none are registered yet. Neither of tfjs-core's Node builds
 * registers them (only the full `@tensorflow/tfjs` bundle does), so without this `tf.grad` fails with
 * "gradient function not found for Mean". The gradient modules register into tfjs's global registry, so the one
 * engine every backend shares sees them. The package's `registerGradients` (and `initBackend`) call it.
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
