// LSTM language-model throughput: @nlpkit/rnn vs tf.layers.lstm vs PyTorch, training and inference, one run.
//
// Zaremba et al. (2014) small: vocabulary 10k, embedding = hidden = 200, 2 LSTM layers, batch 20, full softmax,
// SGD lr 1, global-norm clip 5; BPTT 20 as published and BPTT 35 (the bench's earlier row). Tokens: PTB train
// from the shared data folder, ids by frequency, <eos> per line, Zaremba's batch-major layout.
// Training = forward + backward + clip + SGD, waiting for the loss each step; inference = forward + loss with the
// state carried between segments. Tokens per step = batch × BPTT.
//
// Method: rounds interleaved between implementations (bench/variants.mjs lists them); each implementation runs in
// a fresh process per round (bench/lmChild.mjs, bench/lm_torch.py under /usr/bin/python3), the order rotated each
// round; per round tokens/s = timed tokens / timed seconds; the table gives the median over rounds and the best.
// PyTorch pins its threads (OPENBLAS_NUM_THREADS=1, torch.set_num_threads(2) or 1) and reports the BLAS library
// mapped into its process (/proc/self/maps). The load average is recorded before every child process.
//
// Usage: pnpm bench   (after the package build)
//   BENCH_QUICK=1          a few steps, 1 round: checks the bench itself; writes to the temp folder, not bench/results
//   BENCH_ROUNDS=n         rounds (default 3)
//   BENCH_VARIANTS=a,b     only these rows (ids in bench/variants.mjs)
//   BENCH_BPTT=20,35       BPTT lengths (default 20,35)
//   BENCH_OUT=path.json    where the JSON goes (default bench/results/rnn.json, rnn.md beside it)
//   BENCH_MACHINE_NOTE=... what else ran on the machine during the run (shown under the table)
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ptbIds, runJsonChild, writeFileAtomic } from './lmData.mjs';
import { renderRnnMarkdown } from './report.mjs';
import { benchVariants } from './variants.mjs';

const CONFIG = { vocabSize: 10000, embeddingSize: 200, hiddenSize: 200, layers: 2 };
const BATCH = 20;
const PYTHON = '/usr/bin/python3';
const quick = process.env.BENCH_QUICK === '1';
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3));
const bptts = (process.env.BENCH_BPTT ?? '20,35').split(',').map(Number);
const only = process.env.BENCH_VARIANTS?.split(',').filter(Boolean);

const root = fileURLToPath(new URL('../../../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));
const ptbPath = fileURLToPath(new URL('../../../../shared/data/ptb/ptb.train.txt', import.meta.url));
const outPath = process.env.BENCH_OUT ?? (quick ? join(tmpdir(), 'nlpkit-rnn-bench-quick.json') : join(root, 'bench/results/rnn.json'));
if (!existsSync(ptbPath)) {
  console.error(`PTB not found at ${ptbPath}; the benchmark needs the shared data folder.`);
  process.exit(1);
}
if (!existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)))) {
  console.error('@nlpkit/rnn is not built: run `pnpm build` in packages/rnn first.');
  process.exit(1);
}

const all = benchVariants({ quick });
const variants = only === undefined ? all : all.filter((v) => only.includes(v.id));
if (variants.length === 0) {
  console.error(`BENCH_VARIANTS names none of ${all.map((v) => v.id).join(', ')}`);
  process.exit(1);
}

/** One fresh process of `variant`; its JSON line, or `{ error }`. */
function runChild(variant, idsPath) {
  const job = { idsPath, config: CONFIG, batch: BATCH, bptts, steps: variant.steps };
  const [command, args] = variant.runner === 'torch'
    ? [PYTHON, [join(here, 'lm_torch.py'), JSON.stringify({ ...job, threads: variant.threads })]]
    : [process.execPath, [...(variant.nodeArgs ?? []), join(here, 'lmChild.mjs'), JSON.stringify({ ...job, runner: variant.runner, backend: variant.backend, init: variant.init ?? {} })]];
  return runJsonChild(command, args, { cwd: here, env: { ...process.env, ...variant.env }, timeoutMs: 900_000 });
}

const startedAt = new Date();
const t0 = performance.now();
const dir = mkdtempSync(join(tmpdir(), 'nlpkit-rnn-bench-'));
const idsPath = join(dir, 'ids.txt');
writeFileSync(idsPath, ptbIds(ptbPath, CONFIG.vocabSize).join(' '));
const runs = Object.fromEntries(variants.map((v) => [v.id, []]));
try {
  for (let round = 0; round < rounds; round++) {
    // Interleaved: every implementation once per round, the order rotated so none always follows the same one.
    const order = variants.map((_, i) => variants[(i + round) % variants.length]).filter((v) => round < (v.rounds ?? rounds));
    for (const v of order) {
      const load = loadavg().map((x) => Number(x.toFixed(2)));
      process.stdout.write(`round ${round + 1}/${rounds} ${v.id} (load ${load.join(' ')})... `);
      const r = runChild(v, idsPath);
      runs[v.id].push({ round: round + 1, loadAverage: load, ...r });
      console.log(r.error ? `failed: ${r.error}` : Object.entries(r.cases).map(([k, c]) => `${k} ${Math.round(c.tokensPerSecond)} tok/s${c.cpuSecondsPerStep === undefined ? '' : ` (${c.cpuSecondsPerStep.toFixed(3)} CPU-s/step)`}`).join(', '));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Per case: tokens/s of every round, their median and best, timed steps per round. */
function summarize(list) {
  const ok = list.filter((r) => r.error === undefined);
  const out = {};
  for (const bptt of bptts) {
    for (const mode of ['train', 'infer']) {
      const key = `${mode}-${bptt}`;
      const cases = ok.map((r) => r.cases[key]).filter(Boolean);
      if (cases.length === 0) continue;
      const tps = cases.map((c) => c.tokensPerSecond);
      out[key] = {
        medianTokensPerSecond: median(tps),
        bestTokensPerSecond: Math.max(...tps),
        roundsTokensPerSecond: tps,
        stepsPerRound: cases.map((c) => c.steps),
        // Median CPU seconds (all threads) per step, per round and over rounds: the work, whatever the load.
        cpuSecondsPerStepPerRound: cases.map((c) => c.cpuSecondsPerStep ?? null),
        medianCpuSecondsPerStep: median(cases.map((c) => c.cpuSecondsPerStep).filter((x) => x !== undefined)),
        warmupPerRound: cases.map((c) => c.warmup),
        capped: cases.some((c) => c.capped),
        lastLoss: cases.at(-1).loss,
      };
    }
  }
  return out;
}

const rows = variants.map((v) => ({
  id: v.id,
  label: v.label,
  runner: v.runner,
  ...(v.backend ? { backend: v.backend } : {}),
  ...(v.threads ? { threads: v.threads } : {}),
  env: v.env ?? {},
  ...(v.nodeArgs ? { nodeArgs: v.nodeArgs } : {}),
  init: v.init ?? {},
  steps: v.steps,
  rounds: runs[v.id].length,
  ...(v.note ? { note: v.note } : {}),
  summary: summarize(runs[v.id]),
  runs: runs[v.id],
}));
// Ratios against the PyTorch rows with 2 threads and 1 (medians over rounds).
const refs = { torch2: rows.find((r) => r.runner === 'torch' && r.threads === 2), torch1: rows.find((r) => r.runner === 'torch' && r.threads === 1) };
for (const row of rows) {
  for (const [key, s] of Object.entries(row.summary)) {
    for (const [name, ref] of Object.entries(refs)) {
      const base = ref?.summary[key]?.medianTokensPerSecond;
      s[`vs${name[0].toUpperCase()}${name.slice(1)}`] = base ? s.medianTokensPerSecond / base : null;
    }
  }
}
const torchRun = rows.find((r) => r.runner === 'torch')?.runs.find((r) => r.error === undefined);
const allLoads = rows.flatMap((r) => r.runs.map((x) => x.loadAverage[0]));
const result = {
  package: '@nlpkit/rnn',
  bench: 'LSTM LM training and inference, Zaremba-small (bench/lm.mjs)',
  config: { ...CONFIG, batch: BATCH, bptts, optimizer: 'SGD lr 1, global-norm clip 5 (tf.layers: no clipping)', data: 'PTB train (shared data), first 200k tokens' },
  quick,
  rounds,
  startedAt: startedAt.toISOString(),
  ...(process.env.BENCH_MACHINE_NOTE ? { machineNote: process.env.BENCH_MACHINE_NOTE } : {}),
  wallSeconds: (performance.now() - t0) / 1000,
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    nice: niceness(),
    loadAverage1: { min: Math.min(...allLoads), median: median(allLoads), max: Math.max(...allLoads) },
    note: 'shared machine: other jobs (other helpers, a background training at nice 19) ran at the same time',
  },
  torch: torchRun ? { version: torchRun.torch, python: torchRun.python, blas: torchRun.blas } : null,
  variants: rows,
};
mkdirSync(dirname(outPath), { recursive: true });
writeFileAtomic(outPath, `${JSON.stringify(result, null, 2)}\n`);
const md = renderRnnMarkdown(result);
if (!quick && process.env.BENCH_OUT === undefined) writeFileAtomic(join(dirname(outPath), 'rnn.md'), `${md}\n`);
console.log(`\n${md}\nJSON: ${outPath} (${Math.round(result.wallSeconds)} s)`);

/** This process's nice value (children inherit it), from /proc; null where there is no /proc. */
function niceness() {
  try {
    return Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[16]);
  } catch {
    return null;
  }
}
