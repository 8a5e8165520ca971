import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configureWasmGemm, initBackend } from '@nlpkit/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lmStream } from '../data/lmStream.js';
import { evaluateRecurrentLmStream } from '../models/evaluateRecurrentLmStream.js';
import { readRecurrentLmFile } from './recurrentLmFile.js';
import { RUN_FILES, recipeDirOf, trainRecurrentLmRun } from './trainRecurrentLmRun.js';

const recipePath = fileURLToPath(new URL('../../../../recipes/tiny.json', import.meta.url));
const recipe = JSON.parse(readFileSync(recipePath, 'utf8')) as { data: { test: string }; training: { bptt: number; evalBatchSize: number } };
const dir = mkdtempSync(join(tmpdir(), 'nlpkit-lm-run-wasm-'));

// On wasm with nlpkit's GEMM (no BLAS library: what a machine without OpenBLAS, or a browser, runs), SGD writes each
// parameter's new values over its memory, while kernels keep packed copies of weights between calls. The perplexity
// a run reports after training must be that of the model it wrote: it was that of a stale output layer (6.80
// reported, 2.77 for the written model, on the tiny recipe).
describe('trainRecurrentLmRun on wasm with the WebAssembly GEMM', () => {
  beforeAll(async () => {
    await initBackend({ only: 'wasm', env: {} });
    configureWasmGemm({ blas: false });
  });
  afterAll(() => {
    configureWasmGemm({ blas: process.env['NLPKIT_BLAS'] ?? '' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the test perplexity of the model it wrote, bit for bit', async () => {
    const out = join(dir, 'run');
    const result = await trainRecurrentLmRun({ recipe, recipeDir: recipeDirOf(recipePath), out });
    expect(result.stopped).toBe('completed');
    const artifact = await readRecurrentLmFile(join(out, RUN_FILES.model));
    try {
      const sentences = readFileSync(join(recipeDirOf(recipePath), recipe.data.test), 'utf8').trim().split('\n').map((line) => line.trim().split(/\s+/));
      const written = await evaluateRecurrentLmStream(artifact.config, artifact.params, lmStream(sentences, artifact.vocabulary), {
        batchSize: recipe.training.evalBatchSize,
        bptt: recipe.training.bptt,
      });
      expect(result.testPerplexity).toBe(written.perplexity);
    } finally {
      artifact.dispose();
    }
  }, 120_000);
});
