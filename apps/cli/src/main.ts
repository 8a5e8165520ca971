#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { freshPageMicros, readThpMode, relaunch, relaunchEnv, shouldRelaunch, watchParent } from './hugePages.js';

// Memory-heavy commands run again in a child with glibc's malloc on transparent huge pages where fresh pages are
// costly (see hugePages.ts); this process then only waits. Decided before anything else is imported, so the parent
// stays small.
const relaunched =
  shouldRelaunch({ argv: process.argv, env: process.env, platform: process.platform, thpMode: readThpMode(), pageMicros: freshPageMicros }) &&
  (await relaunch(process.execPath, [...process.execArgv, ...process.argv.slice(1)], relaunchEnv(process.env, process.pid)));

if (!relaunched) {
  // A relaunched child dies with its parent, even when the parent is SIGKILLed.
  watchParent(process.env, process.ppid);

  // Node 20 runs WebAssembly relaxed SIMD (standard, on by default from Node 22 and Chromium 114) only behind a flag;
  // turning it on before any module is compiled lets @nlpkit/tensor's wasm GEMM use fused multiply-adds (about 1.2x
  // faster training on wasm). NLPKIT_WASM_FMA=0 still keeps the plain build.
  if (Number(process.versions.node.split('.')[0]) < 22) setFlagsFromString('--experimental-wasm-relaxed-simd');

  // The other side effects of the CLI: catch what escapes every command, then run it with the process's arguments.
  // `run` never rejects; anything that still escapes reaches the fatal handlers as an unhandled rejection. Both are
  // imported only here: a relaunching parent needs neither.
  const { installFatalHandlers, quitWhenStdoutCloses } = await import('./fatalErrors.js');
  installFatalHandlers(process);
  quitWhenStdoutCloses(process);
  const { run } = await import('./program.js');
  void run(process.argv).then((code) => {
    process.exitCode = code;
  });
}
