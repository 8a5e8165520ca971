import { BACKEND_NAMES, initBackend, type BackendName, type BackendSelection } from '@nlpkit/tensor';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';

/**
 * Starts a tensor backend with `@nlpkit/tensor`'s selection (browser order: WebGPU, WebGL, wasm, cpu). Bundlers
 * cannot follow `import(variable)`, so each backend package is handed over as a literal import, and the wasm
 * binaries as URLs Vite emits.
 *
 * `?backend=<name>` in the page URL puts that backend first. Asked for by name, WebGPU also accepts a fallback
 * (software) adapter such as SwiftShader, which the default order refuses as slower than wasm.
 */
export function startBackend(search: string): Promise<BackendSelection> {
  const asked = new URLSearchParams(search).get('backend');
  const prefer = asked !== null && (BACKEND_NAMES as readonly string[]).includes(asked) ? (asked as BackendName) : undefined;
  return initBackend({
    ...(prefer === undefined ? {} : { prefer }),
    modules: {
      '@tensorflow/tfjs-backend-webgpu': () => import('@tensorflow/tfjs-backend-webgpu'),
      '@tensorflow/tfjs-backend-webgl': () => import('@tensorflow/tfjs-backend-webgl'),
      '@tensorflow/tfjs-backend-wasm': () => import('@tensorflow/tfjs-backend-wasm'),
      '@tensorflow/tfjs-backend-cpu': () => import('@tensorflow/tfjs-backend-cpu'),
    },
    wasmPaths: {
      'tfjs-backend-wasm.wasm': plain,
      'tfjs-backend-wasm-simd.wasm': simd,
      'tfjs-backend-wasm-threaded-simd.wasm': threaded,
    },
  });
}
