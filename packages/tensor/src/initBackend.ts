import * as tf from '@tensorflow/tfjs-core';
import { registerGradients } from '#gradients';
import { missingVulkan } from '#vulkan';
import {
  BACKEND_NAMES,
  type BackendName,
  backendPackage,
  defaultOrder,
  tfjsBackendName,
} from './backendCandidates.js';
import { InvalidArgumentError, UnknownNameError } from '@nlpkit/core';
import { type BackendAttempt, BackendUnavailableError, PKG } from './errors.js';
import { registerWasmIdentity } from './kernels/wasmIdentity.js';
import { detectRuntime, type Runtime } from './runtime.js';
import { type GpuLike, probeAdapter } from './webgpuAdapter.js';

/** Loads a module by its package specifier (`import(specifier)` by default). */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Backends to try first, in order; the rest of the default order follows. */
  readonly prefer?: BackendName | readonly BackendName[];
  /** Try only these backends (no fallback). `NLPKIT_BACKEND=<name>` in the environment sets this to one name. */
  readonly only?: BackendName | readonly BackendName[];
  /** Stops selection between candidates. */
  readonly signal?: AbortSignal;
  /**
   * Module loaders by package name. Bundlers cannot follow `import(variable)`, so browser apps pass literal
   * imports here, e.g. `{ '@tensorflow/tfjs-backend-webgpu': () => import('@tensorflow/tfjs-backend-webgpu') }`.
   */
  readonly modules?: Readonly<Record<string, () => Promise<unknown>>>;
  /** Loads packages not listed in `modules`; replaceable for tests. Defaults to dynamic `import()`. */
  readonly importer?: ModuleImporter;
  /** Where the wasm backend finds its `.wasm` files (browsers with bundlers); passed to `setWasmPaths`. */
  readonly wasmPaths?: string | Readonly<Record<string, string>>;
  /** Accept a fallback (software) WebGPU adapter. Defaults to true only when webgpu is asked for by name. */
  readonly allowFallbackAdapter?: boolean;
  /** Environment variables to read `NLPKIT_BACKEND` from; defaults to `process.env` where it exists. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Register tfjs-core's gradient functions (default true), which training needs (`tf.grad`, `trainStep`). A
   * program that only runs models (decoding, tagging, scoring) can pass false to start faster: in Node, loading
   * them takes ~0.6 s. `registerGradients()` adds them later.
   */
  readonly gradients?: boolean;
}

/** What {@link initBackend} chose and why each candidate was or was not taken. */
export interface BackendSelection {
  readonly name: BackendName;
  readonly tried: readonly BackendAttempt[];
}

/** A candidate that is skipped for a known reason (not installed, no adapter): not an unexpected failure. */
class Skip extends Error {}

interface Context {
  readonly runtime: Runtime;
  readonly load: (specifier: string) => Promise<unknown>;
  readonly options: InitBackendOptions;
  readonly explicit: ReadonlySet<BackendName>;
}

/**
 * Chooses, initialises and activates the fastest tensor backend available, and registers gradients (unless
 * `gradients: false`).
 *
 * In Node the order is tfjs-node-gpu (CUDA), tfjs-node, WebGPU through the `webgpu` (Dawn) package on a real
 * (non-fallback) adapter, wasm, cpu; in browsers webgpu, webgl, wasm, cpu. Backend packages are optional peers:
 * one that is not installed, or whose native binding fails to load, is skipped and the reason recorded in
 * `tried`. Kernels a failed candidate managed to register are removed again, so the next candidate does not
 * trigger tfjs's "kernel already registered" warnings. On wasm, `Identity` is replaced by one that shares memory
 * instead of copying it ({@link registerWasmIdentity}: tfjs clones every tensor a gradient saves). `NLPKIT_BACKEND=<name>` forces one backend and throws a
 * {@link BackendUnavailableError} listing what was tried when it cannot start.
 *
 * @example
 * ```ts
 * const { name, tried } = await initBackend();
 * console.log(`using ${name}`, tried);
 * ```
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendSelection> {
  const runtime = detectRuntime();
  const env = options.env ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const forced = env['NLPKIT_BACKEND'];
  const only = forced !== undefined && forced !== '' ? [checkName(forced, 'NLPKIT_BACKEND')] : asList(options.only, 'only');
  const gradients = options.gradients ?? true;
  if (typeof gradients !== 'boolean') throw new InvalidArgumentError({ package: PKG, argument: 'options.gradients', expected: 'a boolean', found: gradients });
  const prefer = asList(options.prefer, 'prefer');
  const order = only.length > 0 ? only : unique([...prefer, ...defaultOrder(runtime)]);
  const importer = options.importer ?? ((specifier: string) => import(/* @vite-ignore */ specifier));
  const load = (specifier: string): Promise<unknown> => (options.modules?.[specifier] ?? (() => importer(specifier)))();
  const ctx: Context = { runtime, load, options, explicit: new Set([...only, ...prefer]) };

  const tried: BackendAttempt[] = [];
  for (const name of order) {
    options.signal?.throwIfAborted();
    const attempt = await tryBackend(name, ctx);
    tried.push(attempt);
    if (attempt.ok) {
      if (gradients) await registerGradients();
      return { name, tried };
    }
  }
  const list = tried.map((t) => `  ${t.name}: ${t.reason}`).join('\n');
  const what = forced ? `NLPKIT_BACKEND=${forced}` : only.length > 0 ? `only: ${only.join(', ')}` : 'any backend';
  throw new BackendUnavailableError(`could not start ${what}; tried:\n${list}`, tried);
}

async function tryBackend(name: BackendName, ctx: Context): Promise<BackendAttempt> {
  const tfName = tfjsBackendName(name);
  const hadFactory = tf.findBackendFactory(tfName) !== null;
  const kernelsBefore = new Set(tf.getKernelsForBackend(tfName).map((k) => k.kernelName));
  try {
    const reason = await startBackend(name, ctx);
    return { name, ok: true, reason };
  } catch (error) {
    // Undo what a half-loaded package registered, so a later candidate under the same tfjs name starts clean.
    for (const kernel of tf.getKernelsForBackend(tfName)) {
      if (!kernelsBefore.has(kernel.kernelName)) tf.unregisterKernel(kernel.kernelName, tfName);
    }
    if (!hadFactory && tf.findBackendFactory(tfName) !== null) tf.removeBackend(tfName);
    return { name, ok: false, reason: explain(error, backendPackage(name)) };
  }
}

async function startBackend(name: BackendName, ctx: Context): Promise<string> {
  if (ctx.runtime === 'browser' && (name === 'tfjs-node' || name === 'tfjs-node-gpu')) {
    throw new Skip('only available in Node.js');
  }
  if (ctx.runtime === 'node' && name === 'webgl') throw new Skip('needs a browser (WebGL)');
  let detail = '';
  if (name === 'webgpu') detail = await prepareWebGpu(ctx, ctx.options.allowFallbackAdapter ?? ctx.explicit.has(name));
  const mod = await ctx.load(backendPackage(name));
  if (name === 'wasm' && ctx.options.wasmPaths !== undefined) {
    const setWasmPaths = (mod as { setWasmPaths?: (p: unknown) => void }).setWasmPaths;
    setWasmPaths?.(ctx.options.wasmPaths);
  }
  const tfName = tfjsBackendName(name);
  if (tf.findBackendFactory(tfName) === null) {
    throw new Skip(`${backendPackage(name)} loaded but registered no '${tfName}' backend`);
  }
  const ok = await tf.setBackend(tfName);
  if (!ok) throw new Skip(`the '${tfName}' backend failed to initialise`);
  await tf.ready();
  if (name === 'wasm') registerWasmIdentity();
  if (name === 'cpu' && ctx.runtime === 'node') {
    // The cpu backend prints an advert for tfjs-node on first use in Node; we already tried (and reported) it.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  }
  return detail || 'started';
}

async function prepareWebGpu(ctx: Context, allowFallback: boolean): Promise<string> {
  const g = globalThis as { navigator?: { gpu?: GpuLike } };
  let gpu = g.navigator?.gpu;
  if (gpu === undefined && ctx.runtime === 'node') {
    const noVulkan = missingVulkan();
    if (noVulkan !== undefined) throw new Skip(noVulkan);
    const dawn = (await ctx.load('webgpu')) as { create: (flags: string[]) => GpuLike; globals: object };
    gpu = dawn.create([]);
    const probe = await probeAdapter(gpu, allowFallback);
    if (!probe.ok) throw new Skip(probe.reason);
    // tfjs-backend-webgpu looks for navigator.gpu and the GPU* constants on the global object.
    Object.assign(globalThis, dawn.globals);
    if (g.navigator === undefined) g.navigator = { gpu };
    else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    return probe.reason;
  }
  if (gpu === undefined) throw new Skip('this browser has no navigator.gpu (WebGPU disabled or unsupported)');
  const probe = await probeAdapter(gpu, allowFallback);
  if (!probe.ok) throw new Skip(probe.reason);
  return probe.reason;
}

function explain(error: unknown, pkg: string): string {
  if (error instanceof Skip) return error.message;
  const err = error as { code?: string; message?: string };
  const message = String(err?.message ?? error);
  const missing = err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)|Could not resolve/.test(message);
  if (missing && message.includes(pkg)) return `not installed (npm i ${pkg})`;
  if (missing && message.includes("'webgpu'")) return 'not installed (npm i webgpu)';
  const firstLine = message.split('\n')[0] ?? message;
  if (/\.node\b|dlopen|shared object|native|binding/i.test(message)) return `native binding failed to load: ${firstLine}`;
  return `failed to start: ${firstLine}`;
}

function checkName(value: unknown, argument: string): BackendName {
  if (typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new UnknownNameError({ package: PKG, argument, allowed: BACKEND_NAMES, found: value });
}

function asList(value: BackendName | readonly BackendName[] | undefined, argument: string): BackendName[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) {
    throw new InvalidArgumentError({ package: PKG, argument, expected: 'a backend name or an array of them', found: value });
  }
  return list.map((v) => checkName(v, argument));
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
