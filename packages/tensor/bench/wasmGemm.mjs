// nlpkit's WebAssembly SIMD GEMM (1 and 2 threads) vs tfjs-backend-wasm's matmul (XNNPACK, one thread in Node)
// on the shapes of a Zaremba-small LM step (V 10k, 2×200, batch 20, BPTT 35): the softmax layer's forward
// [700×200]·[200×10k], its two gradient products (dX = dY·Wᵀ, dW = Xᵀ·dY), and an LSTM gate product [20×200]·[200×800].
//
// XNNPACK is timed two ways: called with the transpose flags directly, and as nlpkit's ops called it before this
// kernel (explicit tf.transpose copies, then a plain matmul). Rounds interleave the variants (order rotated each
// round); each cell is the best of 3 products per round over all rounds after a warm-up round (the 20-times-slower
// transposed-flag XNNPACK cells only in the first two rounds); the load average is printed with the table.
// A second table gives GFLOP per CPU-second (process.cpuUsage, all threads): on a shared machine wall time mostly
// measures the other processes (Linux's autogroup also caps a process's share, so a second thread gets no more
// CPU when the cores are oversubscribed); CPU time measures the work — for threads, their total, so a threaded
// cell equal to the 1-thread one means no overhead, and on idle cores a wall time of about 1/threads.
//
// Usage (after `pnpm build` in packages/tensor):
//   node bench/wasmGemm.mjs [--rounds 7] [--json out.json]
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { configureWasmGemm, disposeWasmGemm } from '../dist/index.js';
import { wasmGemmStats, wasmMatMul } from '../dist/kernels/wasmKernels.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const rounds = Number(arg('rounds', 7));
const jsonPath = arg('json', undefined);

// [label, M, K, N, transposeA, transposeB]
const SHAPES = [
  ['softmax fwd  X·W', 700, 200, 10000, false, false],
  ['softmax dX   dY·Wᵀ', 700, 10000, 200, false, true],
  ['softmax dW   Xᵀ·dY', 200, 700, 10000, true, false],
  ['LSTM gates   h·W', 20, 200, 800, false, false],
  ['LSTM dW      Hᵀ·dG', 200, 700, 800, true, false],
];

await tf.setBackend('wasm');
await tf.ready();

const operands = SHAPES.map(([, M, K, N, tA, tB]) => [tf.randomNormal(tA ? [K, M] : [M, K]), tf.randomNormal(tB ? [N, K] : [K, N])]);
const VARIANTS = {
  'xnnpack (flags)': (a, b, tA, tB) => tf.matMul(a, b, tA, tB),
  'xnnpack (ops before)': (a, b, tA, tB) => tf.matMul(tA ? tf.transpose(a) : a, tB ? tf.transpose(b) : b),
  'ours 1 thread': (a, b, tA, tB) => wasmMatMul(a, b, tA, tB),
  'ours 2 threads': (a, b, tA, tB) => wasmMatMul(a, b, tA, tB),
};
const threadsOf = { 'ours 1 thread': 1, 'ours 2 threads': 2 };
const best = SHAPES.map(() => Object.fromEntries(Object.keys(VARIANTS).map((v) => [v, Infinity])));
const bestCpu = SHAPES.map(() => Object.fromEntries(Object.keys(VARIANTS).map((v) => [v, Infinity])));
const loads = [loadavg()[0]];

async function prepare(variant) {
  const threads = threadsOf[variant];
  if (threads === undefined) return;
  configureWasmGemm({ threads });
  // Start the workers and wait until they take shares (they join once they have instantiated the module).
  const [a, b] = operands[0];
  for (let i = 0; i < 200; i += 1) {
    tf.tidy(() => wasmMatMul(a, b));
    if (threads === 1 || (wasmGemmStats()?.shared ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('workers did not start');
}

for (let round = 0; round < rounds + 1; round += 1) {
  const order = Object.keys(VARIANTS);
  for (let r = 0; r < round; r += 1) order.push(order.shift()); // rotate
  for (const variant of order) {
    await prepare(variant);
    SHAPES.forEach(([, , , , tA, tB], s) => {
      if (variant === 'xnnpack (flags)' && (tA || tB) && round > 2) return;
      const [a, b] = operands[s];
      const reps = s === 3 ? 50 : 1; // the small gate product: per call, averaged over 50
      for (let sample = 0; sample < 3; sample += 1) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        for (let r = 0; r < reps; r += 1) tf.tidy(() => VARIANTS[variant](a, b, tA, tB));
        const ms = (performance.now() - t0) / reps;
        const cpu = process.cpuUsage(c0);
        const cpuMs = (cpu.user + cpu.system) / 1000 / reps;
        if (round > 0) { // round 0 warms up
          best[s][variant] = Math.min(best[s][variant], ms);
          bestCpu[s][variant] = Math.min(bestCpu[s][variant], cpuMs);
        }
      }
    });
  }
  loads.push(loadavg()[0]);
}
disposeWasmGemm();

const rows = SHAPES.map(([label, M, K, N], s) => {
  const flops = 2 * M * N * K;
  const cell = (v, ms) => ({ ms: +ms.toFixed(3), gflops: +(flops / ms / 1e6).toFixed(1), cpuMs: +bestCpu[s][v].toFixed(3), gflopsPerCpuSecond: +(flops / bestCpu[s][v] / 1e6).toFixed(1) });
  return { label, M, K, N, ...Object.fromEntries(Object.entries(best[s]).map(([v, ms]) => [v, cell(v, ms)])) };
});
console.log(`CPU: ${cpus()[0]?.model} × ${cpus().length}; load average (1 min) during the run: ${loads.map((l) => l.toFixed(2)).join(' ')}`);
const names = Object.keys(VARIANTS);
const table = (title, value) => {
  console.log(title);
  console.log(['shape [M×K·K×N]'.padEnd(38), ...names.map((n) => n.padStart(22))].join(''));
  for (const row of rows) console.log([`${row.label} ${row.M}×${row.K}·${row.K}×${row.N}`.padEnd(38), ...names.map((n) => value(row[n]).padStart(22))].join(''));
};
table(`wall: best of ${rounds} interleaved rounds; GFLOP/s (ms)`, (c) => `${c.gflops} (${c.ms})`);
table('CPU time (all threads): GFLOP per CPU-second (CPU ms)', (c) => `${c.gflopsPerCpuSecond} (${c.cpuMs})`);
if (jsonPath !== undefined) {
  writeFileSync(jsonPath, `${JSON.stringify({ date: new Date().toISOString(), cpu: cpus()[0]?.model, cores: cpus().length, loads, rounds, rows }, null, 2)}\n`);
}
