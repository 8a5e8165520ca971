// Plain JavaScript on purpose (see index.js). The one place that knows how the browser suites start Chromium.

/**
 * The flags that give Debian's headless Chromium WebGPU on its software Vulkan (SwiftShader) adapter, with
 * nothing reaching the network. The browser test projects and the web app's end-to-end test all use these.
 */
export const CHROMIUM_ARGS = Object.freeze([
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
]);

/** The Chromium binary: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium` (what `.ci/run` installs). */
export function chromiumPath() {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** The tfjs modules every browser project pre-bundles (Vite would otherwise discover them mid-run and reload). */
const TFJS = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'];

/**
 * Vitest settings for one package's real-browser test project (`*.browser.test.ts`), run in headless Chromium with
 * WebGPU. `playwright` is `@vitest/browser-playwright`'s provider factory, passed in by the package (which has it
 * as a devDependency) so this config package needs no browser dependency of its own.
 * @param {string} name project name shown in the test output
 * @param {string} root the package folder
 * @param {(options: { launchOptions: object }) => unknown} playwright the provider factory
 * @param {{ include?: string[] }} [options] test file globs (default: `src/**\/*.browser.test.ts`)
 */
export function browserProject(name, root, playwright, options = {}) {
  return {
    root,
    resolve: { conditions: ['@nlpkit/source'] },
    optimizeDeps: { include: TFJS },
    test: {
      name,
      include: options.include ?? ['src/**/*.browser.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({ launchOptions: { executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] } }),
        instances: [{ browser: 'chromium' }],
      },
    },
  };
}
