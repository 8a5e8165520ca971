import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';

// Real-browser suite (as packages/tensor's): Debian's Chromium, headless, WebGPU on its software (SwiftShader) adapter.
const chromium = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export default defineProject({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { conditions: ['@nlpkit/source'] },
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgpu',
    ],
  },
  test: {
    name: 'rnn-browser',
    include: ['src/**/*.browser.test.ts', 'test/**/*.browser.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: chromium,
          args: [
            '--no-sandbox',
            '--enable-unsafe-webgpu',
            '--enable-features=Vulkan',
            '--use-vulkan=swiftshader',
            '--use-webgpu-adapter=swiftshader',
            '--disable-vulkan-surface',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
