// Training throughput and memory of @nlpkit/seq2seq on the Multi30k recipe (recipes/multi30k-de-en.json: model,
// vocabularies, Adam, label smoothing, clipping, dropout): target tokens per second over the first batches of
// epoch 0 in the recipe's bucketed order, and the peak memory of the longest batches of the epoch (tf.profile's
// peakBytes, the wasm heap, peak RSS). Every measurement runs in a fresh process (bench/trainChild.mjs), rounds
// interleaved; medians reported. Implementations can be compared side by side: BENCH_IMPLS=name=path/to/dist,...
// (default: this package's dist).
// Usage: node bench/seq2seq-train.mjs (after the build)
//   env BENCH_BACKENDS=wasm,cpu  BENCH_BATCH=32  BENCH_STEPS=12  BENCH_ROUNDS=3  BENCH_MEMORY=1 (also the memory row)
//       BENCH_MEMORY_BATCH=64  BENCH_IMPLS=old=node_modules/.old/dist,new=dist  BENCH_OUT=bench/results
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const pkg = join(here, '..');
const backends = (process.env.BENCH_BACKENDS ?? 'wasm,cpu').split(',');
const batch = Number(process.env.BENCH_BATCH ?? 32);
const steps = { wasm: Number(process.env.BENCH_STEPS ?? 12), cpu: Number(process.env.BENCH_CPU_STEPS ?? 2) };
// The cpu backend is ~10× slower: one warm-up step and one round unless asked.
const warmup = { wasm: 2, cpu: 1 };
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const roundsOf = { wasm: rounds, cpu: Number(process.env.BENCH_CPU_ROUNDS ?? 1) };
const memory = process.env.BENCH_MEMORY !== '0';
const memoryBatch = Number(process.env.BENCH_MEMORY_BATCH ?? 64);
const impls = (process.env.BENCH_IMPLS ?? `current=${join(pkg, 'dist')}`).split(',').map((s) => {
  const [name, path] = s.split('=');
  return { name, path: resolve(pkg, path) };
});

// Ours runs as the nlpkit CLI runs it (apps/cli/src/main.ts): the GEMM's fused multiply-adds (relaxed SIMD, a flag on
// Node 20) and 2 GEMM threads (PyTorch gets 2 threads); NLPKIT_WASM_THREADS=1 for one.
const nodeFlags = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
const gemmThreads = process.env.NLPKIT_WASM_THREADS || (availableParallelism() >= 2 ? '2' : '1');

function child(impl, backend, mode, b, n, extraEnv = {}) {
  const load = loadavg()[0];
  const r = spawnSync(process.execPath, [...nodeFlags, join(here, 'trainChild.mjs'), backend, mode, String(b), String(n)], {
    encoding: 'utf8',
    env: { ...process.env, NLPKIT_WASM_THREADS: gemmThreads, BENCH_IMPL: impl.path, BENCH_WARMUP: String(warmup[backend] ?? 2), ...extraEnv },
    maxBuffer: 1 << 26,
  });
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !last.startsWith('{')) {
    const lines = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').filter((l) => l.trim() !== '');
    const error = lines.find((l) => /Error|Aborted|abort/.test(l))?.trim() ?? lines.slice(-2).join(' | ');
    return { impl: impl.name, backend, mode, batchSize: b, error, exit: r.status, signal: r.signal, loadBefore: load };
  }
  const out = JSON.parse(last);
  delete out.losses;
  return { ...out, impl: impl.name, implPath: out.impl, loadBefore: load };
}

// PyTorch (bench/seq2seq_train_torch.py, Debian python3-torch, OpenBLAS pinned to one thread per op,
// torch.set_num_threads(2)): the same model shape, batches, loss, clipping and optimizer, one process per round
// after ours on wasm. BENCH_TORCH=0 skips it. The batches come from trainChild (BENCH_DUMP).
const torchDir = mkdtempSync(join(tmpdir(), 'nlpkit-s2s-train-'));
function torchRun() {
  if (process.env.BENCH_TORCH === '0') return { skipped: 'BENCH_TORCH=0' };
  const dump = join(torchDir, 'batches.json');
  if (!existsSync(dump)) {
    const d = child(impls[0], 'wasm', 'speed', batch, steps.wasm, { BENCH_DUMP: dump });
    if (!existsSync(dump)) return { skipped: `the batches could not be written: ${d.error ?? 'no file'}` };
  }
  const r = spawnSync('/usr/bin/python3', [join(here, 'seq2seq_train_torch.py'), dump, '2'], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '2' },
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) return { skipped: `python3 with torch failed: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}` };
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
  delete out.losses;
  return out;
}

// BENCH_FROM=results.json: render a finished run again (no measurement).
const from = process.env.BENCH_FROM === undefined ? undefined : JSON.parse(readFileSync(process.env.BENCH_FROM, 'utf8'));
const runs = from?.runs ?? [];
const torchRuns = from?.torchRuns ?? [];
for (let round = 0; from === undefined && round < rounds; round += 1) {
  for (const backend of backends) {
    if (round >= (roundsOf[backend] ?? rounds)) continue;
    for (const impl of impls) {
      const r = child(impl, backend, 'speed', batch, steps[backend] ?? 4);
      runs.push({ round, ...r });
      console.error(JSON.stringify({ round, impl: impl.name, backend, tokensPerSecond: r.tokensPerSecond, error: r.error, load: r.loadBefore }));
    }
    if (backend === 'wasm') {
      const t = torchRun();
      torchRuns.push({ round, ...t });
      console.error(JSON.stringify({ round, torch: t.tokensPerSecond, skipped: t.skipped }));
    }
  }
}
rmSync(torchDir, { recursive: true, force: true });
const memoryRuns = from?.memory ?? [];
if (memory && from === undefined) {
  for (const impl of impls) {
    const r = child(impl, 'wasm', 'longest', memoryBatch, 3);
    memoryRuns.push(r);
    console.error(JSON.stringify({ impl: impl.name, memory: r.peakRssBytes, error: r.error }));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = [];
for (const backend of backends) {
  for (const impl of impls) {
    const ok = runs.filter((r) => r.backend === backend && r.impl === impl.name && r.error === undefined);
    if (ok.length === 0) continue;
    const rates = ok.map((r) => r.tokensPerSecond);
    summary.push({ backend, impl: impl.name, median: median(rates), best: Math.max(...rates), rounds: rates, steps: ok[0].steps, tokensPerRound: ok[0].tokens });
  }
}
const torchOk = torchRuns.filter((t) => t.skipped === undefined);
const torchSummary = torchOk.length === 0
  ? torchRuns[0]
  : { torch: torchOk[0].torch, threads: torchOk[0].threads, blas: torchOk[0].blas, median: median(torchOk.map((t) => t.tokensPerSecond)), best: Math.max(...torchOk.map((t) => t.tokensPerSecond)), rounds: torchOk.map((t) => t.tokensPerSecond) };
const results = {
  recipe: 'recipes/multi30k-de-en.json',
  gemm: { threads: Number(gemmThreads), nodeFlags },
  torch: torchSummary,
  batchSize: batch,
  timed: 'the first batches of epoch 0 (seed 1, bucketed as the recipe), after the warm-up steps; target tokens (incl. </s>) per second of trainStep + reading the loss',
  steps,
  warmup,
  rounds: roundsOf,
  note: process.env.BENCH_NOTE,
  summary,
  memory: memoryRuns,
  runs,
  torchRuns,
  machine: from?.machine ?? { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, date: new Date().toISOString(), load: loadavg() },
};

// With two implementations: the second over the first within each round (same load), per backend.
function pairedRatios() {
  if (impls.length !== 2) return [];
  const lines = [];
  for (const backend of backends) {
    const ratios = [];
    for (let round = 0; round < rounds; round += 1) {
      const [a, b] = impls.map((impl) => runs.find((r) => r.round === round && r.backend === backend && r.impl === impl.name && r.error === undefined));
      if (a !== undefined && b !== undefined) ratios.push(b.tokensPerSecond / a.tokensPerSecond);
    }
    if (ratios.length > 0) lines.push(`${impls[1].name} / ${impls[0].name} on ${backend}, same round: ${ratios.map((x) => `${x.toFixed(2)}×`).join(', ')} (median ${median(ratios).toFixed(2)}×).`, '');
  }
  return lines;
}
// Each implementation on wasm over PyTorch within each round, and what PyTorch ran.
function torchRatios() {
  if (torchSummary?.median === undefined) return torchSummary?.skipped === undefined ? [] : [`PyTorch reference not run: ${torchSummary.skipped}.`, ''];
  const lines = [];
  for (const impl of impls) {
    const ratios = [];
    for (const t of torchOk) {
      const ours = runs.find((r) => r.round === t.round && r.backend === 'wasm' && r.impl === impl.name && r.error === undefined);
      if (ours !== undefined) ratios.push(ours.tokensPerSecond / t.tokensPerSecond);
    }
    if (ratios.length > 0) lines.push(`${impl.name} on wasm / PyTorch, same round: ${ratios.map((x) => `${x.toFixed(2)}×`).join(', ')} (median ${median(ratios).toFixed(2)}×).`, '');
  }
  lines.push(
    `PyTorch: Debian python3-torch ${torchSummary.torch}, torch.set_num_threads(${torchSummary.threads}), OPENBLAS_NUM_THREADS=1; BLAS loaded (from /proc/self/maps): ${torchSummary.blas.join(', ') || 'none found'}. The same model shape (torch's own initial weights), the same batches (written by trainChild), cross-entropy with the recipe's label smoothing over the target tokens, the recipe's gradient-norm clip and Adam, dropout at the same points; timed like ours (each step to its loss read).`,
    '',
  );
  return lines;
}
const fmt = (x, d = 0) => (typeof x === 'number' ? x.toLocaleString('en-US', { maximumFractionDigits: d }) : '—');
const gb = (x) => (typeof x === 'number' ? `${(x / 2 ** 30).toFixed(2)} GiB` : '—');
const md = [
  `Training on the Multi30k recipe (GRU bi-encoder 2×256, decoder 512, Bahdanau attention, vocabularies ${(runs.find((r) => r.vocabularies !== undefined)?.vocabularies ?? ['?', '?']).map((n) => fmt(n)).join('/')}, label smoothing, clipping, dropout 0.3), batch ${batch}: target tokens/s over ${steps.wasm} (wasm) / ${steps.cpu} (cpu) steps of epoch 0 after ${warmup.wasm} / ${warmup.cpu} warm-up steps, each round a fresh process, rounds interleaved (${roundsOf.wasm} on wasm, ${roundsOf.cpu} on cpu).`,
  '',
  '| implementation | backend | target tokens/s, median (best) | rounds |',
  '|---|---|---:|---|',
  ...summary.map((s) => `| ${s.impl}${s.backend === 'wasm' ? ` (${gemmThreads} GEMM thread${gemmThreads === '1' ? '' : 's'}${nodeFlags.length > 0 ? ', FMA' : ''})` : ''} | ${s.backend} | ${fmt(s.median)} (${fmt(s.best)}) | ${s.rounds.map((x) => fmt(x)).join(', ')} |`),
  ...(torchSummary?.median !== undefined ? [`| PyTorch ${torchSummary.torch}, ${torchSummary.threads} threads | OpenBLAS | ${fmt(torchSummary.median)} (${fmt(torchSummary.best)}) | ${torchSummary.rounds.map((x) => fmt(x)).join(', ')} |`] : []),
  '',
  ...pairedRatios(),
  ...torchRatios(),
  ...(memoryRuns.length > 0
    ? [
        `Memory, wasm, the 3 longest batches of epoch 0 at batch ${memoryBatch} (by padded source × target cells):`,
        '',
        '| implementation | longest batch (B × S × T) | peak tf bytes | wasm heap | peak RSS | outcome |',
        '|---|---|---:|---:|---:|---|',
        ...memoryRuns.map((m) =>
          m.error !== undefined
            ? `| ${m.impl} | — | — | — | ${gb(m.peakRssBytes)} | failed: ${m.error.slice(0, 200)} |`
            : `| ${m.impl} | ${m.longest.B} × ${m.longest.S} × ${m.longest.T} | ${gb(m.peakTfBytes)} | ${gb(m.wasmHeapBytes)} | ${gb(m.peakRssBytes)} | ${m.steps} steps |`,
        ),
        '',
      ]
    : []),
  ...(process.env.BENCH_NOTE ? [process.env.BENCH_NOTE, ''] : []),
  `Machine: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}, ${results.machine.date}; load average at the end ${results.machine.load.map((x) => x.toFixed(1)).join(' / ')} (shared machine: other jobs ran at the same time).`,
  '',
].join('\n');
const outDir = resolve(pkg, process.env.BENCH_OUT ?? 'bench/results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'seq2seq-train.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(outDir, 'seq2seq-train.md'), md);
console.log(md);
