import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { WASM_GEMM_SHARED, WASM_GEMM_UNSHARED } from './wasmGemmBytes.js';

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
