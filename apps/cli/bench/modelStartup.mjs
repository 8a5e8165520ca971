// What running a trained model on one input costs from the command line, start-up included: `nlpkit translate text`,
// `tag predict --text`, `classify predict` (one sentence each, on stdin) and `lm generate` (one sentence of at most
// 10 words), each with the committed model under models/. Wall seconds, CPU seconds (user + system) and peak RSS
// from GNU time; a fresh process each, commands interleaved, NLPKIT_BENCH_ROUNDS rounds (default 5), best and median.
// Beside them, for scale: `node -e 0` (Node's own floor) and `python3 -c "import torch"` (what starting PyTorch
// alone costs, no model and no work: not the same work as the rows above).
// NLPKIT_CLI_BEFORE names another build of the CLI (its dist/main.js, run with its own checkout's models) measured
// beside this one, interleaved, for a before/after; the two builds' outputs are compared byte for byte.
// Writes bench/results/cli-startup.json and .md at the repository root.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'apps/cli/dist/main.js');
if (!existsSync(cli) || !existsSync('/usr/bin/time')) {
  console.error(`model start-up bench skipped: ${existsSync(cli) ? 'GNU time (/usr/bin/time)' : `the CLI (build it first: ${cli})`} not found`);
  process.exit(0);
}
const rounds = Number(process.env.NLPKIT_BENCH_ROUNDS ?? 5);
const before = process.env.NLPKIT_CLI_BEFORE;
const builds = { after: cli, ...(before ? { before } : {}) };
/** A build's models: those of the checkout its main.js is in (apps/cli/dist/main.js, three folders down). */
const modelsOf = (main) => join(dirname(main), '../../../models');

/** The commands: [name, argv after node, stdin]. */
const cases = (main) => {
  const models = modelsOf(main);
  return [
    ['nlpkit translate text (Multi30k de→en, beam 5, one sentence)', [main, 'translate', 'text', '--model', join(models, 'multi30k-de-en')], 'ein mann fährt fahrrad .\n'],
    ['nlpkit tag predict --text (WikiANN NER, one sentence)', [main, 'tag', 'predict', '--text', '--input', '-', '--model', join(models, 'wikiann-en')], 'John lives in Berlin .\n'],
    ['nlpkit classify predict (SST-2, one sentence)', [main, 'classify', 'predict', '--model', join(models, 'sst2')], 'a gorgeous , witty , seductive movie .\n'],
    ['nlpkit lm generate (PTB LSTM, one sentence of ≤ 10 words)', [main, 'lm', 'generate', '--model', join(models, 'ptb-lstm'), '--count', '1', '--max-words', '10'], ''],
  ];
};
const floors = [
  ['node -e 0', process.execPath, ['-e', '0']],
  ['python3 -c "import torch" (for scale: PyTorch imported, nothing run)', '/usr/bin/python3', ['-c', 'import torch']],
];

/** Wall and CPU seconds, peak RSS (MB) and stdout of `command args...` under GNU time; undefined when it cannot run. */
function timed(command, args, input = '') {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', command, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 26 });
  const line = r.stderr.split('\n').reverse().find((l) => l.startsWith('TIME '));
  if (r.status !== 0 || line === undefined) return { error: `${command} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}` };
  const [, wall, user, system, kb] = line.split(' ');
  return { wallSeconds: Number(wall), cpuSeconds: Math.round((Number(user) + Number(system)) * 100) / 100, peakMB: Math.round((Number(kb) * 1024) / 1e6), stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = {};
const outputs = {};
const load = [];
for (let round = 0; round < rounds; round++) {
  load.push(Math.round(os.loadavg()[0] * 100) / 100);
  for (const [name, command, args] of floors) {
    const r = timed(command, args);
    if (r.error === undefined) (runs[name] ??= []).push(r);
  }
  for (let i = 0; i < cases(cli).length; i++) {
    for (const [which, main] of Object.entries(builds)) {
      const [name, args, input] = cases(main)[i];
      const r = timed(process.execPath, args, input);
      if (r.error !== undefined) throw new Error(r.error);
      (runs[`${name} [${which}]`] ??= []).push(r);
      (outputs[name] ??= {})[which] ??= r.stdout;
    }
  }
}
const rows = Object.fromEntries(
  Object.entries(runs).map(([key, rs]) => [
    key,
    {
      wallSeconds: { best: Math.min(...rs.map((r) => r.wallSeconds)), median: median(rs.map((r) => r.wallSeconds)) },
      cpuSeconds: { best: Math.min(...rs.map((r) => r.cpuSeconds)), median: median(rs.map((r) => r.cpuSeconds)) },
      peakMB: { best: Math.min(...rs.map((r) => r.peakMB)), median: median(rs.map((r) => r.peakMB)) },
      runs: rs.map((r) => ({ wallSeconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, peakMB: r.peakMB })),
    },
  ]),
);
const sameOutput = before ? Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, o.before === o.after])) : undefined;
const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, date: new Date().toISOString() };
const result = { machine, rounds, loadAverageAtEachRound: load, builds, rows, sameOutput, note: process.env.BENCH_NOTE };

const fmt = (x) => `${x.best.toFixed(2)} (${x.median.toFixed(2)})`;
const header = before
  ? '| command | wall s before: best (median) | wall s now | CPU s before | CPU s now | peak MB before | peak MB now | same output |'
  : '| command | wall s: best (median) | CPU s | peak MB |';
const lines = [];
for (const [name] of floors) {
  const r = rows[name];
  if (r === undefined) continue;
  lines.push(before ? `| ${name} | — | ${fmt(r.wallSeconds)} | — | ${fmt(r.cpuSeconds)} | — | ${r.peakMB.median} | — |` : `| ${name} | ${fmt(r.wallSeconds)} | ${fmt(r.cpuSeconds)} | ${r.peakMB.median} |`);
}
for (const [name] of cases(cli)) {
  const a = rows[`${name} [after]`];
  const b = rows[`${name} [before]`];
  lines.push(
    before
      ? `| ${name} | ${fmt(b.wallSeconds)} | ${fmt(a.wallSeconds)} | ${fmt(b.cpuSeconds)} | ${fmt(a.cpuSeconds)} | ${b.peakMB.median} | ${a.peakMB.median} | ${sameOutput[name] ? 'yes' : '**no**'} |`
      : `| ${name} | ${fmt(a.wallSeconds)} | ${fmt(a.cpuSeconds)} | ${a.peakMB.median} |`,
  );
}
const md = [
  `### Running a committed model on one input, start-up included — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date.slice(0, 10)}`,
  '',
  `\`node apps/cli/bench/modelStartup.mjs\`${before ? ' with `NLPKIT_CLI_BEFORE` (another build, run with its own checkout\'s models)' : ''}: a fresh process per command, the commands${before ? ' and builds' : ''} interleaved, ${rounds} rounds; best (median) of wall and CPU seconds (user + system), median peak RSS, from GNU time. Load average (1 min) at each round: ${load.join(', ')}.`,
  '',
  header,
  `|${header.split('|').slice(1, -1).map(() => '---').join('|')}|`,
  ...lines,
  '',
  ...(process.env.BENCH_NOTE ? [process.env.BENCH_NOTE, ''] : []),
].join('\n');
const out = join(root, 'bench/results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'cli-startup.json'), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(out, 'cli-startup.md'), md);
console.log(md);
if (sameOutput !== undefined && Object.values(sameOutput).some((same) => !same)) {
  console.error('the two builds printed different outputs');
  process.exitCode = 1;
}
