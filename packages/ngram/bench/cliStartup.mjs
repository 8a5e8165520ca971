// What starting the CLI costs, and scoring PTB valid from a binary model (start-up included): CPU seconds
// (user + system) and peak RSS of `nlpkit --version`, `nlpkit ngram --help` and `nlpkit ngram eval --model m.bin`,
// beside `node -e 0` (Node's own floor). Interleaved, a fresh process each, best of NGRAM_BENCH_ROUNDS (default 5);
// from /usr/bin/time. CPU time rather than wall time: on a shared machine wall time mostly measures the others.
// NLPKIT_CLI_BEFORE names another build of the CLI (its dist/main.js) measured beside this one, for a before/after.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, ptbDir, requirePtb, savePart } from './common.mjs';

requirePtb();
const cli = fileURLToPath(new URL('../../../apps/cli/dist/main.js', import.meta.url));
if (!existsSync(cli) || !existsSync('/usr/bin/time')) {
  console.error(`CLI start-up bench skipped: ${existsSync(cli) ? 'GNU time (/usr/bin/time)' : `the CLI (build it first: ${cli})`} not found`);
  process.exit(0);
}
const rounds = Number(process.env.NGRAM_BENCH_ROUNDS ?? 5);
const clis = { after: cli, ...(process.env.NLPKIT_CLI_BEFORE ? { before: process.env.NLPKIT_CLI_BEFORE } : {}) };

/** CPU seconds (user + system) and peak RSS in MB of `node args...` under GNU time. */
function timed(args) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %U %S %M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = r.stderr.split('\n').reverse().find((l) => l.startsWith('TIME '));
  if (r.status !== 0 || line === undefined) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [, user, system, kb] = line.split(' ');
  return { cpuSeconds: Math.round((Number(user) + Number(system)) * 100) / 100, peakMB: Math.round((Number(kb) * 1024) / 1e6) };
}

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-cli-startup-'));
try {
  const text = join(dir, 'train.txt');
  writeFileSync(text, readFileSync(`${ptbDir}ptb.train.txt`, 'utf8').replaceAll('<unk>', 'UNK'));
  const valid = join(dir, 'valid.txt');
  writeFileSync(valid, readFileSync(`${ptbDir}ptb.valid.txt`, 'utf8').replaceAll('<unk>', 'UNK'));
  const model = join(dir, 'm.bin');
  timed([cli, 'ngram', 'train', '--order', '5', '--input', text, '--binary', model, '--quiet']);
  const cases = {
    'node -e 0': () => ['-e', '0'],
    'nlpkit --version': (c) => [c, '--version'],
    'nlpkit ngram --help': (c) => [c, 'ngram', '--help'],
    'nlpkit ngram eval (PTB valid, order-5 binary)': (c) => [c, 'ngram', 'eval', '--model', model, '--input', valid, '--quiet'],
  };
  const runs = {};
  const load = [];
  for (let round = 0; round < rounds; round++) {
    load.push(machine().loadAverage[0]);
    for (const [name, args] of Object.entries(cases)) {
      for (const [which, path] of Object.entries(clis)) {
        if (name === 'node -e 0' && which !== 'after') continue;
        const key = name === 'node -e 0' ? name : `${name} [${which}]`;
        (runs[key] ??= []).push(timed(args(path)));
      }
    }
  }
  const rows = Object.fromEntries(
    Object.entries(runs).map(([key, rs]) => [key, { cpuSeconds: Math.min(...rs.map((r) => r.cpuSeconds)), peakMB: Math.min(...rs.map((r) => r.peakMB)), runs: rs }]),
  );
  savePart('cliStartup', { machine: machine(), rounds, loadAverageAtEachRound: load, clis, rows });
  console.table(Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, { 'CPU s (best)': r.cpuSeconds, 'peak MB (best)': r.peakMB }])));
  console.log(`load average at each round: ${load.join(', ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
