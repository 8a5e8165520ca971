import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { WASM_GEMM_SHARED, WASM_GEMM_SHARED_FMA, WASM_GEMM_UNSHARED, WASM_GEMM_UNSHARED_FMA } from './wasmGemmBytes.js';
import { fmaSupported } from './wasmGemmEngine.js';

const script = fileURLToPath(new URL('../../scripts/buildWasmGemm.mjs', import.meta.url));

it('wasmGemmBytes.ts is wasmGemm.wat assembled (rerun scripts/buildWasmGemm.mjs after editing the .wat)', () => {
  // Exits non-zero, naming both files, when the committed bytes and the source differ.
  expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
});

it('both builds validate as WebAssembly, one importing a shared memory and one not', () => {
  const decode = (s: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const imports = (s: string) => WebAssembly.Module.imports(new WebAssembly.Module(decode(s)));
  expect(imports(WASM_GEMM_SHARED)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  expect(imports(WASM_GEMM_UNSHARED)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  const shared = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const plain = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  expect(() => new WebAssembly.Instance(new WebAssembly.Module(decode(WASM_GEMM_SHARED)), { env: { memory: shared } })).not.toThrow();
  expect(() => new WebAssembly.Instance(new WebAssembly.Module(decode(WASM_GEMM_UNSHARED)), { env: { memory: plain } })).not.toThrow();
  expect(() => new WebAssembly.Instance(new WebAssembly.Module(decode(WASM_GEMM_SHARED)), { env: { memory: plain } })).toThrow();
});

it('the fused multiply-add builds validate exactly where relaxed SIMD does, and then instantiate like the plain ones', () => {
  const decode = (s: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  // A module of one function using f32x4.relaxed_madd: the runtime's own answer on relaxed SIMD.
  const probe = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
    253, 12, ...new Array(16).fill(0), 253, 12, ...new Array(16).fill(0), 253, 12, ...new Array(16).fill(0), 253, 133, 2, 11]);
  expect(fmaSupported()).toBe(WebAssembly.validate(probe));
  expect(WebAssembly.validate(decode(WASM_GEMM_SHARED_FMA))).toBe(fmaSupported());
  if (!fmaSupported()) return;
  const shared = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const plain = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  expect(() => new WebAssembly.Instance(new WebAssembly.Module(decode(WASM_GEMM_SHARED_FMA)), { env: { memory: shared } })).not.toThrow();
  expect(() => new WebAssembly.Instance(new WebAssembly.Module(decode(WASM_GEMM_UNSHARED_FMA)), { env: { memory: plain } })).not.toThrow();
});
