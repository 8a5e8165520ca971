// LSTM language-model training and inference on WebGPU in Node (Dawn, the `webgpu` package): @nlpkit/rnn's fused
// path (one WGSL dispatch per LSTM step each way, the WGSL softmax cross-entropy) against tf.layers.lstm on the same
// backend, for Zaremba-small (2×200) and Zaremba-medium (2×650): vocabulary 10k, batch 20, full softmax, SGD lr 1,
// clip 5 (tf.layers: no clipping, and its embedding is not trained; see bench/lmChild.mjs). BPTT 35 for both,
// and 20 (as published) for small.
//
// Method as bench/lm.mjs: each row in a fresh process per round (bench/lmChild.mjs), rounds interleaved, the
// order rotated; tokens/s = timed tokens / timed seconds, each step waiting for its loss; median and best over
// rounds. Each process also counts the kernels (GPU dispatches) of one training step and reports the adapter.
//
// Usage (after the package build; needs a WebGPU adapter for Dawn: on Linux the Vulkan loader, Debian's libvulkan1,
// and a Vulkan driver):
//   node bench/gpu.mjs
//   BENCH_QUICK=1           1 round, a few steps: checks the bench (writes to the temp folder)
//   BENCH_ROUNDS=n          rounds (default 3)
//   BENCH_CONFIGS=small,medium
//   BENCH_RUNNERS=nlpkit,tfjs-layers
//   BENCH_ALLOW_FALLBACK=1  accept a fallback (software) adapter, e.g. SwiftShader's Vulkan driver:
//                           VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (for checking the bench only)
//   BENCH_IDS=path          the token ids (spaces between) instead of PTB from the shared data folder (a machine
//                           without it: write them with `node bench/gpu.mjs --write-ids path` where PTB is)
//   BENCH_OUT=path.json     where the JSON goes (default the repository's bench/results/rnn-gpu.json, rnn-gpu.md beside
//                           it: a section of BENCHMARKS.md, `node scripts/bench-report.mjs`)
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ptbIds, runJsonChild, writeFileAtomic } from './lmData.mjs';

const here = fileURLToPath(new URL('./', import.meta.url));
const ptbPath = fileURLToPath(new URL('../../../../shared/data/ptb/ptb.train.txt', import.meta.url));
const VOCAB = 10000;
const BATCH = 20;

if (process.argv[2] === '--write-ids') {
  writeFileAtomic(process.argv[3], ptbIds(ptbPath, VOCAB).join(' '));
  process.exit(0);
}

const quick = process.env.BENCH_QUICK === '1';
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3));
const CONFIGS = {
  small: { config: { vocabSize: VOCAB, embeddingSize: 200, hiddenSize: 200, layers: 2 }, bptts: [20, 35] },
  medium: { config: { vocabSize: VOCAB, embeddingSize: 650, hiddenSize: 650, layers: 2 }, bptts: [35] },
};
const configNames = (process.env.BENCH_CONFIGS ?? 'small,medium').split(',').filter(Boolean);
for (const name of configNames) {
  if (!(name in CONFIGS)) throw new Error(`BENCH_CONFIGS: "${name}" is not one of ${Object.keys(CONFIGS).join(', ')}`);
}
const init = process.env.BENCH_ALLOW_FALLBACK === '1' ? { allowFallbackAdapter: true } : {};
const steps = quick ? { warmup: 1, steps: 2, maxSeconds: 60 } : { warmup: 3, steps: 30, maxSeconds: 60 };
const RUNNERS = [
  { id: 'nlpkit', label: '@nlpkit/rnn, webgpu (fused WGSL LSTM steps and softmax cross-entropy)' },
  { id: 'tfjs-layers', label: 'tf.layers.lstm, webgpu (tfjs-backend-webgpu\'s kernels)' },
].filter((r) => (process.env.BENCH_RUNNERS ?? 'nlpkit,tfjs-layers').split(',').includes(r.id));
const outPath = process.env.BENCH_OUT ?? (quick ? join(tmpdir(), 'nlpkit-rnn-gpu-quick.json') : fileURLToPath(new URL('../../../bench/results/rnn-gpu.json', import.meta.url)));

let idsPath = process.env.BENCH_IDS;
if (idsPath === undefined && !existsSync(ptbPath)) {
  console.error(`PTB not found at ${ptbPath}: give the token ids with BENCH_IDS (see the usage at the top of this file).`);
  process.exit(1);
}
// Removed when the rounds end, however they end (the finally below).
const dir = mkdtempSync(join(tmpdir(), 'nlpkit-rnn-gpu-'));
if (idsPath === undefined) {
  idsPath = join(dir, 'ids.txt');
  writeFileSync(idsPath, ptbIds(ptbPath, VOCAB).join(' '));
}

/** One fresh process: the JSON line of bench/lmChild.mjs, or `{ error }`. */
function runChild(runner, name) {
  const { config, bptts } = CONFIGS[name];
  const job = { runner, backend: 'webgpu', init, idsPath, config, batch: BATCH, bptts, steps: { train: steps, infer: steps }, countKernels: true };
  return runJsonChild(process.execPath, [join(here, 'lmChild.mjs'), JSON.stringify(job)], { cwd: here, timeoutMs: 1_200_000 });
}

const rows = configNames.flatMap((name) => RUNNERS.map((r) => ({ config: name, runner: r.id, label: r.label, runs: [] })));
const startedAt = new Date();
try {
  for (let round = 0; round < rounds; round++) {
    const order = rows.map((_, i) => rows[(i + round) % rows.length]);
    for (const row of order) {
      process.stdout.write(`round ${round + 1}/${rounds} ${row.config} ${row.runner}... `);
      const r = runChild(row.runner, row.config);
      row.runs.push({ round: round + 1, ...r });
      console.log(r.error ? `failed: ${r.error}` : Object.entries(r.cases).map(([k, c]) => `${k} ${Math.round(c.tokensPerSecond)} tok/s`).join(', '));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

for (const row of rows) {
  const ok = row.runs.filter((r) => r.error === undefined);
  row.summary = {};
  for (const key of Object.keys(ok[0]?.cases ?? {})) {
    const tps = ok.map((r) => r.cases[key].tokensPerSecond);
    row.summary[key] = { medianTokensPerSecond: median(tps), bestTokensPerSecond: Math.max(...tps), roundsTokensPerSecond: tps, steps: ok.map((r) => r.cases[key].steps) };
  }
  row.kernelsPerTrainStep = ok[0]?.kernelsPerTrainStep ?? null;
  row.adapter = ok[0]?.adapter ?? null;
}
const adapter = rows.find((r) => r.adapter !== null)?.adapter ?? 'none';
const result = {
  package: '@nlpkit/rnn',
  bench: 'LSTM LM training and inference on WebGPU through Dawn in Node (bench/gpu.mjs)',
  batch: BATCH,
  configs: Object.fromEntries(configNames.map((n) => [n, CONFIGS[n]])),
  steps,
  quick,
  rounds,
  startedAt: startedAt.toISOString(),
  machine: { adapter, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
  rows,
};

const fmt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const lines = [
  `### LSTM LM on WebGPU (Dawn in Node) — ${adapter} — Node ${process.version}, ${startedAt.toISOString().slice(0, 10)}`,
  '',
  `Batch ${BATCH}, vocabulary 10k, full softmax; ${quick ? 'BENCH_QUICK (a check of the bench, not a measurement)' : `${steps.steps} timed steps after ${steps.warmup} warm-up (at most ${steps.maxSeconds} s), ${rounds} interleaved rounds, a fresh process each; median (best)`}.`,
  '',
  '| model | BPTT | implementation | training tok/s | inference tok/s | kernels per training step | training vs tf.layers |',
  '|---|---|---|---|---|---|---|',
];
for (const name of configNames) {
  for (const bptt of CONFIGS[name].bptts) {
    const base = rows.find((r) => r.config === name && r.runner === 'tfjs-layers')?.summary[`train-${bptt}`]?.medianTokensPerSecond;
    for (const row of rows.filter((r) => r.config === name)) {
      const t = row.summary[`train-${bptt}`];
      const i = row.summary[`infer-${bptt}`];
      const failed = row.runs.find((r) => r.error !== undefined)?.error;
      lines.push(`| Zaremba-${name} (2×${CONFIGS[name].config.hiddenSize}) | ${bptt} | ${row.label} | ${t ? `${fmt(t.medianTokensPerSecond)} (${fmt(t.bestTokensPerSecond)})` : `failed: ${failed}`} | ${i ? `${fmt(i.medianTokensPerSecond)} (${fmt(i.bestTokensPerSecond)})` : '—'} | ${row.kernelsPerTrainStep?.[bptt] ?? '—'} | ${t && base ? `${(t.medianTokensPerSecond / base).toFixed(2)}×` : '—'} |`);
    }
  }
}
mkdirSync(dirname(outPath), { recursive: true });
writeFileAtomic(outPath, `${JSON.stringify(result, null, 2)}\n`);
writeFileAtomic(outPath.replace(/\.json$/, '.md'), `${lines.join('\n')}\n`);
console.log(`\n${lines.join('\n')}\n\nwrote ${outPath}`);
