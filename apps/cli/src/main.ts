#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { installFatalHandlers } from './fatalErrors.js';
import { run } from './program.js';

// Node 20 runs WebAssembly relaxed SIMD (standard, on by default from Node 22 and Chromium 114) only behind a flag;
// turning it on before any module is compiled lets @nlpkit/tensor's wasm GEMM use fused multiply-adds (about 1.2x
// faster training on wasm). NLPKIT_WASM_FMA=0 still keeps the plain build.
if (Number(process.versions.node.split('.')[0]) < 22) setFlagsFromString('--experimental-wasm-relaxed-simd');

// The other side effects of the CLI: catch what escapes every command, then run it with the process's arguments.
// `run` never rejects; anything that still escapes reaches the fatal handlers as an unhandled rejection.
installFatalHandlers(process);
void run(process.argv).then((code) => {
  process.exitCode = code;
});
