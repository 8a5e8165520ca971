import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The demo bundles the workspace packages from their TypeScript sources (the `@nlpkit/source` export condition),
 * as the tests do, so a change in a package shows up here without building it first.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs: the built app works from any folder (a static host, `vite preview`, the e2e test's server).
  base: './',
  resolve: { conditions: ['@nlpkit/source', ...defaultClientConditions] },
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
      'uplot',
    ],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
