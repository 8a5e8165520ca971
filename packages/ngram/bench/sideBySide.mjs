// Side by side with KenLM, as a user runs both: the whole `nlpkit ngram train --order 5` process (read, count,
// estimate, write the ARPA) against `lmplz -o 5 -S 1G` writing its ARPA, and `nlpkit ngram eval` against KenLM
// `query -v summary` scoring PTB train from the same ARPA (load included). Interleaved runs, each a fresh process,
// best of NGRAM_BENCH_ROUNDS (default 3); wall time and peak RSS from /usr/bin/time. KenLM is built from source
// outside the repository: KENLM_BIN names its bin folder (default /tmp/kenlm/build/bin); its commit is recorded.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, ptbDir, requirePtb, savePart } from './common.mjs';

requirePtb();
const kenlmBin = process.env.KENLM_BIN ?? '/tmp/kenlm/build/bin';
const cli = fileURLToPath(new URL('../../../apps/cli/dist/main.js', import.meta.url));
const rounds = Number(process.env.NGRAM_BENCH_ROUNDS ?? 3);
for (const [what, path] of [['lmplz', `${kenlmBin}/lmplz`], ['query', `${kenlmBin}/query`], ['the CLI (build it first)', cli], ['GNU time', '/usr/bin/time']]) {
  if (!existsSync(path)) {
    // Part of `pnpm bench`, which must run where KenLM was never built: say so and keep the last recorded rows.
    console.error(`side by side with KenLM skipped: ${what} not found at ${path} (set KENLM_BIN to KenLM's bin folder)`);
    process.exit(0);
  }
}
let kenlmCommit = 'unknown';
try {
  kenlmCommit = execFileSync('git', ['-C', dirname(dirname(kenlmBin)), 'log', '-1', '--format=%h'], { encoding: 'utf8' }).trim();
} catch {
  // not a git checkout: left as unknown
}

/** Runs `command` with stdin from `input` (or none) under GNU time; returns wall seconds and peak RSS in MB. */
function timed(command, args, input) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', command, ...args], {
    input: input === undefined ? undefined : readFileSync(input),
    maxBuffer: 1 << 28,
    encoding: 'utf8',
  });
  const line = r.stderr.split('\n').reverse().find((l) => l.startsWith('TIME '));
  if (r.status !== 0 || line === undefined) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [, seconds, kb] = line.split(' ');
  return { seconds: Number(seconds), peakMB: (Number(kb) * 1024) / 1e6, stdout: r.stdout };
}

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'nlpkit-ngram-side-'));
try {
  // lmplz refuses a literal <unk> in its input: both read PTB train with it renamed UNK (as the golden fixtures).
  const train = join(dir, 'train.txt');
  writeFileSync(train, readFileSync(`${ptbDir}ptb.train.txt`, 'utf8').replaceAll('<unk>', 'UNK'));
  const ours = join(dir, 'ours.arpa');
  const theirs = join(dir, 'kenlm.arpa');
  const runs = { train: { ours: [], kenlm: [] }, eval: { ours: [], kenlm: [] } };
  const load = [];
  for (let round = 0; round < rounds; round++) {
    load.push(machine().loadAverage[0]);
    runs.train.kenlm.push(timed(`${kenlmBin}/lmplz`, ['-o', '5', '-S', '1G', '--arpa', theirs, '-T', `${dir}/`], train));
    runs.train.ours.push(timed(process.execPath, [cli, 'ngram', 'train', '--order', '5', '--input', train, '--arpa', ours, '--quiet']));
    runs.eval.kenlm.push(timed(`${kenlmBin}/query`, ['-v', 'summary', theirs], train));
    runs.eval.ours.push(timed(process.execPath, [cli, 'ngram', 'eval', '--model', ours, '--input', train, '--quiet']));
  }
  const identical = sha256(ours) === sha256(theirs);
  const best = (rs) => ({
    seconds: Math.min(...rs.map((r) => r.seconds)),
    peakMB: Math.min(...rs.map((r) => r.peakMB)),
    runs: rs.map((r) => ({ seconds: r.seconds, peakMB: Math.round(r.peakMB) })),
  });
  const result = {
    machine: machine(),
    kenlm: { commit: kenlmCommit, train: 'lmplz -o 5 -S 1G', eval: 'query -v summary' },
    corpus: 'PTB train (`<unk>` renamed UNK), order 5',
    rounds,
    loadAverageAtEachRound: load,
    arpaIdentical: identical,
    train: { ours: best(runs.train.ours), kenlm: best(runs.train.kenlm) },
    eval: { ours: best(runs.eval.ours), kenlm: best(runs.eval.kenlm) },
  };
  savePart('sideBySide', result);
  const row = (o, k) => ({
    'nlpkit s': o.seconds,
    'KenLM s': k.seconds,
    'time ratio': Math.round((o.seconds / k.seconds) * 100) / 100,
    'nlpkit MB': Math.round(o.peakMB),
    'KenLM MB': Math.round(k.peakMB),
    'memory ratio': Math.round((o.peakMB / k.peakMB) * 100) / 100,
  });
  console.table({
    'train: estimate + write ARPA': row(result.train.ours, result.train.kenlm),
    'eval: score PTB train from the ARPA, incl. load': row(result.eval.ours, result.eval.kenlm),
  });
  console.log(`ARPA byte-identical to lmplz's: ${identical}; load average at each round: ${load.join(', ')}`);
  if (!identical) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
