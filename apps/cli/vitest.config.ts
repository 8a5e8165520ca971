import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { nodeProject } from '@nlpkit/vitest-config';

const project = nodeProject('cli', fileURLToPath(new URL('.', import.meta.url)));

// The CLI turns on WebAssembly relaxed SIMD on Node 20 (src/main.ts), so the wasm GEMM uses fused multiply-adds in
// every CLI process. Tests that compare a command run in this process with the same command in CLI child processes
// (cluster workers) need the same kernels here.
const relaxedSimd = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

export default defineProject({ ...project, test: { ...project.test, execArgv: relaxedSimd } });
