import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { nodeProject } from '@nlpkit/vitest-config';

const project = nodeProject('tensor', fileURLToPath(new URL('.', import.meta.url)));

// This package's tests check nlpkit's own WebAssembly GEMM (threads, packing, fused builds), so its products stay
// there even where an optimized BLAS is installed; blasEngine.test.ts turns the BLAS library on itself. The other
// packages' tests run on whatever the machine gives (on CI, OpenBLAS).
export default defineProject({ ...project, test: { ...project.test, env: { NLPKIT_BLAS: '0' } } });
