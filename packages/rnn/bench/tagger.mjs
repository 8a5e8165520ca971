// Sequence-tagger training speed, side by side: each implementation (this package's dist, and optionally an older
// build's dist folder) on the Brown POS recipe and the WikiANN BiLSTM-CRF recipe, interleaved rounds, a fresh
// process per measurement (bench/taggerChild.mjs). Writes JSON (every run, and the median per row).
// Usage: node bench/tagger.mjs [--base <dist folder>] [--new <dist folder, default ../dist>] [--rounds 3] [--steps 30] [--tasks brown,wikiann]
//        [--modes step,grads] [--out bench/results/tagger.json]   (after `pnpm build`)
// Steps are the same batches for every implementation (seeded); losses are compared across implementations.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const rounds = Number(arg('rounds', '3'));
const steps = arg('steps', '30');
const tasks = arg('tasks', 'brown,wikiann').split(',');
const modes = arg('modes', 'step,grads').split(',');
const base = arg('base', undefined);
const out = resolve(arg('out', resolve(here, 'results/tagger.json')));
const fresh = arg('new', undefined);
const current = fresh === undefined ? 'new' : resolve(fresh);
const impls = base === undefined ? [current] : [resolve(base), current];

const runs = [];
for (let round = 0; round < rounds; round += 1) {
  for (const task of tasks) {
    for (const mode of modes) {
      for (const impl of impls) {
        const argv = [resolve(here, 'taggerChild.mjs'), '--task', task, '--impl', impl, '--steps', steps, '--warmup', '3', ...(mode === 'grads' ? ['--grads-only'] : [])];
        let row;
        try {
          row = JSON.parse(execFileSync(process.execPath, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 }));
        } catch (error) {
          row = { task, impl, mode, error: String(error.stderr ?? error).split('\n').slice(0, 5).join(' ') };
        }
        row.round = round;
        row.label = impl === current ? 'new' : 'base';
        runs.push(row);
        process.stderr.write(`round ${round} ${task} ${mode} ${row.label}: ${row.error ?? `${Math.round(row.tokensPerSecond)} tok/s, ${Math.round(row.tokensPerCpuSecond)} tok/CPU-s, load ${row.load.toFixed(1)}`}\n`);
      }
    }
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)];
};
const rows = [];
for (const task of tasks) {
  for (const mode of modes) {
    const label = mode === 'grads' ? 'forward+backward' : 'train step';
    for (const impl of impls) {
      const mine = runs.filter((r) => r.task === task && r.mode === label && r.impl === impl && r.error === undefined);
      if (mine.length === 0) continue;
      rows.push({
        task, mode: label, impl: impl === current ? 'new' : 'base', path: impl, runs: mine.length,
        tokensPerSecond: median(mine.map((r) => r.tokensPerSecond)),
        tokensPerCpuSecond: median(mine.map((r) => r.tokensPerCpuSecond)),
        msPerStep: median(mine.map((r) => r.msPerStep)),
        load: mine.map((r) => r.load),
      });
    }
  }
}
// Numerics: the losses of the same steps under each implementation.
const maxLossDiff = {};
for (const task of tasks) {
  for (const mode of ['forward+backward', 'train step']) {
    const pair = impls.map((impl) => runs.find((r) => r.task === task && r.mode === mode && r.impl === impl && r.losses));
    if (pair.length === 2 && pair[0] && pair[1]) maxLossDiff[`${task} ${mode}`] = Math.max(...pair[0].losses.map((l, i) => Math.abs(l - pair[1].losses[i])));
  }
}
const result = { date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model}`, loadAtEnd: loadavg(), rounds, steps: Number(steps), rows, maxLossDiff, runs };
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
for (const r of rows) console.log(`${r.task.padEnd(8)} ${r.mode.padEnd(17)} ${r.impl.padEnd(5)} ${String(Math.round(r.tokensPerSecond)).padStart(6)} tok/s  ${String(Math.round(r.tokensPerCpuSecond)).padStart(6)} tok/CPU-s  ${Math.round(r.msPerStep)} ms/step  load ${r.load.map((l) => l.toFixed(1)).join('/')}`);
console.log('max |loss difference| over the same steps:', JSON.stringify(maxLossDiff));
console.log(`wrote ${out}`);
