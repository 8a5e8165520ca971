import { configureWasmGemm } from '@nlpkit/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bufferIo } from '../cliIo.js';
import { run } from '../program.js';
import { formatEnvReport } from './env.js';

describe('nlpkit env', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('--json prints the chosen backend and why each earlier one was skipped', async () => {
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'env', '--json'], io)).toBe(0);
    const report = JSON.parse(io.out.join(''));
    expect(report.tried.at(-1)).toMatchObject({ name: report.backend, ok: true });
    expect(report.tried[0]).toMatchObject({ name: 'tfjs-node-gpu', ok: false });
    expect(report).toMatchObject({ node: process.version, platform: process.platform });
    // On wasm: what the products run on (a BLAS library's own description, or null for the WebAssembly GEMM).
    if (report.backend === 'wasm') expect(report.products).toMatchObject({ threads: expect.any(Number) });
    expect(io.err).toEqual([]);
  });

  it('names what the matrix products run on: the BLAS library, or the WebAssembly GEMM with NLPKIT_BLAS=0', async () => {
    vi.stubEnv('NLPKIT_BACKEND', 'wasm');
    vi.stubEnv('NLPKIT_BLAS', '0');
    // A fresh engine reads NLPKIT_BLAS again (the first test's, in this process, may have opened the library).
    configureWasmGemm({});
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'env'], io)).toBe(0);
    expect(io.out.join('')).toMatch(/\nmatrix products: nlpkit's WebAssembly GEMM[^\n]*, \d+ threads?/);
  });

  it('prints one line per candidate without --json', async () => {
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'env'], io)).toBe(0);
    const lines = io.out.join('').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^tensor backend: \w/);
    expect(lines.some((line) => /^ {2}✓ /.test(line))).toBe(true);
  });

  it('says which BLAS library it found but left (products not row-invariant), and how to use it anyway', () => {
    const report = {
      backend: 'wasm', tried: [{ name: 'wasm', ok: true, reason: 'started' }], node: 'v20', platform: 'linux', arch: 'x64', cpus: 2,
      products: { blas: null, threads: 2, fma: true, blasNotUsed: ['libopenblas.so.0 (OpenBLAS 0.3.21 Haswell)'] },
    };
    expect(formatEnvReport(report)).toContain(
      "matrix products: nlpkit's WebAssembly GEMM (fused multiply-adds), 2 threads (found libopenblas.so.0 (OpenBLAS 0.3.21 Haswell), not used: a row of its products depends on the rows computed with it",
    );
    expect(formatEnvReport(report)).toContain('NLPKIT_BLAS=<library> uses it anyway: faster training, results that depend on the batch)');
    expect(formatEnvReport({ ...report, products: { ...report.products, blasNotUsed: [] } })).toContain('(no optimized BLAS found: install OpenBLAS');
  });

  it('has --help', async () => {
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'env', '--help'], io)).toBe(0);
    expect(io.out.join('')).toContain('Usage: nlpkit env [options]');
  });

  it('an unknown option is a usage error (exit 2) and an unavailable forced backend a failure (exit 1), each one line', async () => {
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'env', '--bogus'], io)).toBe(2);
    expect(io.err.join('')).toContain("unknown option '--bogus'");
    vi.stubEnv('NLPKIT_BACKEND', 'tfjs-node');
    const forced = bufferIo();
    expect(await run(['node', 'nlpkit', 'env'], forced)).toBe(1);
    expect(forced.out).toEqual([]);
    expect(forced.err.join('')).toMatch(/^nlpkit env: [^\n]*tfjs-node[^\n]*\n$/);
  });
});
