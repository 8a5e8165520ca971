import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, UnknownNameError } from '@nlpkit/core';
import { BackendUnavailableError } from './errors.js';
import { initBackend, type ModuleImporter } from './initBackend.js';

const realImport: ModuleImporter = (specifier) => import(/* @vite-ignore */ specifier);

/** An importer where the given packages are absent, as when they were never installed. */
function withoutPackages(...absent: string[]): ModuleImporter {
  return (specifier) => {
    if (absent.includes(specifier)) {
      const error = new Error(`Cannot find package '${specifier}' imported from /app/index.js`) as Error & { code: string };
      error.code = 'ERR_MODULE_NOT_FOUND';
      return Promise.reject(error);
    }
    return realImport(specifier);
  };
}

/** An importer where a native tfjs package loads half-way: it registers kernels, then its binding fails. */
function brokenNative(pkg: string, message: string): (specifier: string) => Promise<unknown> | undefined {
  return (specifier) => {
    if (specifier !== pkg) return undefined;
    tf.registerKernel({ kernelName: 'Add', backendName: 'tensorflow', kernelFunc: () => ({}) as never });
    tf.registerKernel({ kernelName: 'Sub', backendName: 'tensorflow', kernelFunc: () => ({}) as never });
    return Promise.reject(new Error(message));
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('initBackend in Node', () => {
  it('with no GPU package installed, picks wasm and says why each earlier backend was skipped', async () => {
    const { name, tried } = await initBackend({ env: {} });
    expect(tried.map((t) => t.name).slice(0, 3)).toEqual(['tfjs-node-gpu', 'tfjs-node', 'webgpu']);
    expect(tried[0]).toEqual({ name: 'tfjs-node-gpu', ok: false, reason: 'not installed (npm i @tensorflow/tfjs-node-gpu)' });
    expect(tried[1]).toEqual({ name: 'tfjs-node', ok: false, reason: 'not installed (npm i @tensorflow/tfjs-node)' });
    const webgpu = tried[2]!;
    // This machine has no GPU: no Vulkan loader, or Dawn finds no adapter (or only a software one).
    expect(webgpu.ok).toBe(false);
    expect(webgpu.reason).toMatch(/adapter|Vulkan/);
    expect(name).toBe('wasm');
    expect(tried.at(-1)).toMatchObject({ name: 'wasm', ok: true });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('records an absent optional package as "not installed" and moves on', async () => {
    const importer = withoutPackages('@tensorflow/tfjs-backend-wasm');
    const { name, tried } = await initBackend({ env: {}, only: ['wasm', 'cpu'], importer });
    expect(tried[0]).toEqual({ name: 'wasm', ok: false, reason: 'not installed (npm i @tensorflow/tfjs-backend-wasm)' });
    expect(name).toBe('cpu');
  });

  it('falls back cleanly when a native binding fails to load, without "kernel already registered" floods', async () => {
    const warn = vi.spyOn(console, 'warn');
    const gpu = brokenNative('@tensorflow/tfjs-node-gpu', 'libcudart.so.11.0: cannot open shared object file: No such file or directory');
    const cpuNative = brokenNative('@tensorflow/tfjs-node', 'The specified module could not be found. tfjs_binding.node');
    const importer: ModuleImporter = (s) => gpu(s) ?? cpuNative(s) ?? realImport(s);
    const { name, tried } = await initBackend({ env: {}, only: ['tfjs-node-gpu', 'tfjs-node', 'cpu'], importer });
    expect(name).toBe('cpu');
    expect(tried[0]!.reason).toBe(
      'native binding failed to load: libcudart.so.11.0: cannot open shared object file: No such file or directory',
    );
    expect(tried[1]!.reason).toMatch(/^native binding failed to load: /);
    expect(tf.getKernelsForBackend('tensorflow')).toEqual([]);
    const floods = warn.mock.calls.filter((args) => String(args[0]).includes('already registered'));
    expect(floods).toEqual([]);
  });

  it('NLPKIT_BACKEND forces one backend and fails loudly, listing what was tried', async () => {
    await expect(initBackend({ env: { NLPKIT_BACKEND: 'webgl' } })).rejects.toThrow(BackendUnavailableError);
    await expect(initBackend({ env: { NLPKIT_BACKEND: 'tfjs-node-gpu' } })).rejects.toThrow(
      "@nlpkit/tensor: could not start NLPKIT_BACKEND=tfjs-node-gpu; tried:\n  tfjs-node-gpu: not installed (npm i @tensorflow/tfjs-node-gpu)",
    );
    const { name, tried } = await initBackend({ env: { NLPKIT_BACKEND: 'cpu' } });
    expect(name).toBe('cpu');
    expect(tried).toEqual([{ name: 'cpu', ok: true, reason: 'started' }]);
  });

  it('rejects unknown backend names with a typed error naming the argument', async () => {
    await expect(initBackend({ env: { NLPKIT_BACKEND: 'cuda' } })).rejects.toThrow(
      '@nlpkit/tensor: NLPKIT_BACKEND must be one of tfjs-node-gpu, tfjs-node, webgpu, webgl, wasm, cpu, got "cuda"',
    );
    await expect(initBackend({ env: {}, prefer: 'gpu' as never })).rejects.toThrow(UnknownNameError);
  });

  it('stops when its AbortSignal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    await expect(initBackend({ env: {}, signal: controller.signal })).rejects.toThrow('user cancelled');
  });

  it('registers gradients, which tfjs-core leaves out of its Node builds', async () => {
    await initBackend({ env: {}, only: 'cpu' });
    const g = tf.grad((x: tf.Tensor) => tf.mean(tf.mul(x, x)));
    expect(Array.from(g(tf.tensor1d([1, 2, 3, 4])).dataSync())).toEqual([0.5, 1, 1.5, 2]);
  });

  it('refuses a gradients option that is not a boolean', async () => {
    const attempt = initBackend({ env: {}, only: 'cpu', gradients: 'no' as never });
    await expect(attempt).rejects.toThrow(InvalidArgumentError);
    await expect(initBackend({ env: {}, only: 'cpu', gradients: 1 as never })).rejects.toThrow('@nlpkit/tensor: options.gradients must be a boolean, got 1');
  });

  it('leaves gradients out with { gradients: false }, and registerGradients adds them (a fresh Node process, the built package)', () => {
    // In this process tfjs's gradients may be registered already (they cannot be removed): a new process starts bare,
    // and loads tfjs-core's gradient modules through the package's resolve hook, as a program using it would.
    const script = [
      "import * as tf from '@tensorflow/tfjs-core';",
      "import { initBackend, registerGradients } from '@nlpkit/tensor';",
      "await initBackend({ env: {}, only: 'cpu', gradients: false });",
      "const before = tf.getGradient('Mean') !== undefined;",
      'await registerGradients();',
      'const g = tf.grad((x) => tf.mean(tf.mul(x, x)))(tf.tensor1d([1, 2, 3, 4]));',
      "console.log(JSON.stringify({ before, after: tf.getGradient('Mean') !== undefined, grad: Array.from(g.dataSync()) }));",
    ].join('\n');
    const root = fileURLToPath(new URL('..', import.meta.url));
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, NLPKIT_BACKEND: '' } });
    expect(JSON.parse(out.trim().split('\n').at(-1) as string)).toEqual({ before: false, after: true, grad: [0.5, 1, 1.5, 2] });
  });
});
