// Side by side with KenLM, as a user runs both, on PTB train and on a corpus of over 2 M tokens (PTB train, valid
// and test, the English side of Multi30k and the SST-2 training sentences, from ../shared/data; skipped with a
// message where those files are missing): the whole `nlpkit ngram train --order 5` process (read, count,
// estimate, write the ARPA) against `lmplz -o 5 -S 1G` writing its ARPA; `nlpkit ngram eval` against KenLM
// `query -v summary` scoring the training text from the same ARPA (load included); and the same from binary
// models (`ngram build-binary` vs `build_binary trie`, built untimed), and KenLM's `query` on its probing binary
// too (the memory reference: its fastest format); and `nlpkit ngram query` against KenLM's `query` word by
// word from the ARPA (each prints every token's score, each line's total and the summary; outputs compared). Interleaved runs, each a fresh process,
// best of NGRAM_BENCH_ROUNDS (default 3); wall time and peak RSS from /usr/bin/time. KenLM is built from source
// outside the repository: KENLM_BIN names its bin folder (default /tmp/kenlm/build/bin); its commit is recorded.
// NGRAM_TRAIN_THREADS, when set, is passed to `ngram train --threads`.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, ptbDir, requirePtb, savePart } from './common.mjs';

requirePtb();
const kenlmBin = process.env.KENLM_BIN ?? '/tmp/kenlm/build/bin';
const cli = fileURLToPath(new URL('../../../apps/cli/dist/main.js', import.meta.url));
const rounds = Number(process.env.NGRAM_BENCH_ROUNDS ?? 3);
for (const [what, path] of [['lmplz', `${kenlmBin}/lmplz`], ['query', `${kenlmBin}/query`], ['build_binary', `${kenlmBin}/build_binary`], ['the CLI (build it first)', cli], ['GNU time', '/usr/bin/time']]) {
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

/**
 * Runs `command` with stdin from `input` (or none) under GNU time; returns wall seconds, CPU seconds (user +
 * system, all threads: on a loaded machine wall time mostly measures the other jobs) and peak RSS in MB.
 */
function timed(command, args, input) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M %U %S', command, ...args], {
    input: input === undefined ? undefined : readFileSync(input),
    maxBuffer: 1 << 28,
    encoding: 'utf8',
  });
  const line = r.stderr.split('\n').reverse().find((l) => l.startsWith('TIME '));
  if (r.status !== 0 || line === undefined) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [, seconds, kb, user, system] = line.split(' ');
  return { seconds: Number(seconds), cpuSeconds: Math.round((Number(user) + Number(system)) * 100) / 100, peakMB: (Number(kb) * 1024) / 1e6, stdout: r.stdout };
}

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
const sharedData = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const threads = process.env.NGRAM_TRAIN_THREADS === undefined ? [] : ['--threads', process.env.NGRAM_TRAIN_THREADS];
// lmplz refuses a literal <unk> in its input: both read PTB with it renamed UNK (as the golden fixtures).
const ptbText = (split) => readFileSync(`${ptbDir}ptb.${split}.txt`, 'utf8').replaceAll('<unk>', 'UNK');
const BIG_PARTS = ['multi30k/tok/train.lc.norm.tok.en', 'multi30k/tok/val.lc.norm.tok.en', 'multi30k/tok/test_2016_flickr.lc.norm.tok.en', 'sst2/train.tsv'];

/** Words and lines (one `</s>` each) of a one-sentence-per-line file, and its vocabulary size. */
function corpusSize(path) {
  const vocabulary = new Set();
  let words = 0;
  let lines = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    lines++;
    for (const w of line.split(/[ \t\r]+/)) {
      if (w === '') continue;
      words++;
      vocabulary.add(w);
    }
  }
  return { tokens: words + lines - 1, vocabulary: vocabulary.size };
}

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-ngram-side-'));
try {
  const corpora = [];
  const ptbTrain = join(dir, 'ptb.txt');
  writeFileSync(ptbTrain, ptbText('train'));
  corpora.push({ name: 'PTB train (`<unk>` renamed UNK)', path: ptbTrain });
  const missing = BIG_PARTS.filter((p) => !existsSync(`${sharedData}${p}`));
  if (missing.length > 0) {
    console.error(`the > 2 M-token rows skipped: ${missing.join(', ')} not found under ${sharedData}`);
  } else {
    const big = join(dir, 'big.txt');
    const sst = readFileSync(`${sharedData}sst2/train.tsv`, 'utf8').split('\n').slice(1).filter((l) => l !== '').map((l) => l.split('\t')[0]).join('\n');
    const parts = [ptbText('train'), ptbText('valid'), ptbText('test'), ...BIG_PARTS.slice(0, 3).map((p) => readFileSync(`${sharedData}${p}`, 'utf8')), `${sst}\n`];
    writeFileSync(big, parts.join(''));
    corpora.push({
      name: 'PTB train+valid+test, Multi30k English (train, val, test 2016), SST-2 train sentences',
      path: big,
    });
  }
  for (const c of corpora) Object.assign(c, corpusSize(c.path), { bytes: statSync(c.path).size });
  const rows = corpora.map(() => ({
    train: { ours: [], kenlm: [] },
    evalArpa: { ours: [], kenlm: [] },
    evalBinary: { ours: [], kenlm: [] },
    evalProbing: { kenlm: [] },
    queryArpa: { ours: [], kenlm: [] },
  }));
  const identical = corpora.map(() => true);
  const queryIdentical = corpora.map(() => true);
  const digest = (text) => createHash('sha256').update(text).digest('hex');
  const load = [];
  for (let round = 0; round < rounds; round++) {
    load.push(machine().loadAverage[0]);
    for (const [i, c] of corpora.entries()) {
      const ours = join(dir, `ours-${i}.arpa`);
      const theirs = join(dir, `kenlm-${i}.arpa`);
      const r = rows[i];
      r.train.kenlm.push(timed(`${kenlmBin}/lmplz`, ['-o', '5', '-S', '1G', '--arpa', theirs, '-T', `${dir}/`], c.path));
      r.train.ours.push(timed(process.execPath, [cli, 'ngram', 'train', '--order', '5', '--input', c.path, '--arpa', ours, '--quiet', ...threads]));
      if (sha256(ours) !== sha256(theirs)) identical[i] = false;
      if (round === 0) {
        // The binary models, built once (untimed): KenLM's trie and probing, our binary format.
        timed(`${kenlmBin}/build_binary`, ['trie', theirs, `${theirs}.trie`]);
        timed(`${kenlmBin}/build_binary`, ['probing', theirs, `${theirs}.probing`]);
        timed(process.execPath, [cli, 'ngram', 'build-binary', ours, `${ours}.bin`]);
      }
      r.evalArpa.kenlm.push(timed(`${kenlmBin}/query`, ['-v', 'summary', theirs], c.path));
      r.evalArpa.ours.push(timed(process.execPath, [cli, 'ngram', 'eval', '--model', ours, '--input', c.path, '--quiet']));
      r.evalBinary.kenlm.push(timed(`${kenlmBin}/query`, ['-v', 'summary', `${theirs}.trie`], c.path));
      r.evalBinary.ours.push(timed(process.execPath, [cli, 'ngram', 'eval', '--model', `${ours}.bin`, '--input', c.path, '--quiet']));
      r.evalProbing.kenlm.push(timed(`${kenlmBin}/query`, ['-v', 'summary', `${theirs}.probing`], c.path));
      // Word by word (query's default output: every token, every line's total, the summary), read from a pipe.
      const kenlmQuery = timed(`${kenlmBin}/query`, [theirs], c.path);
      const ourQuery = timed(process.execPath, [cli, 'ngram', 'query', '--model', ours, '--input', c.path]);
      if (digest(kenlmQuery.stdout) !== digest(ourQuery.stdout)) queryIdentical[i] = false;
      r.queryArpa.kenlm.push({ ...kenlmQuery, stdout: undefined });
      r.queryArpa.ours.push({ ...ourQuery, stdout: undefined });
    }
  }
  const best = (rs) => ({
    seconds: Math.min(...rs.map((r) => r.seconds)),
    cpuSeconds: Math.min(...rs.map((r) => r.cpuSeconds)),
    peakMB: Math.min(...rs.map((r) => r.peakMB)),
    runs: rs.map((r) => ({ seconds: r.seconds, cpuSeconds: r.cpuSeconds, peakMB: Math.round(r.peakMB) })),
  });
  const pair = (p) => ({ ours: best(p.ours), kenlm: best(p.kenlm) });
  const result = {
    machine: machine(),
    kenlm: { commit: kenlmCommit, train: 'lmplz -o 5 -S 1G', eval: 'query -v summary', query: 'query', binary: 'build_binary trie', probing: 'build_binary probing' },
    trainThreads: process.env.NGRAM_TRAIN_THREADS ?? 'CLI default',
    rounds,
    loadAverageAtEachRound: load,
    corpora: corpora.map((c, i) => ({
      corpus: c.name,
      tokens: c.tokens,
      vocabulary: c.vocabulary,
      bytes: c.bytes,
      order: 5,
      arpaIdentical: identical[i],
      train: pair(rows[i].train),
      evalArpa: pair(rows[i].evalArpa),
      evalBinary: pair(rows[i].evalBinary),
      evalProbing: { ours: best(rows[i].evalBinary.ours), kenlm: best(rows[i].evalProbing.kenlm) },
      queryArpa: { ...pair(rows[i].queryArpa), outputIdentical: queryIdentical[i] },
    })),
  };
  savePart('sideBySide', result);
  const row = (o, k) => ({
    'nlpkit s': o.seconds,
    'KenLM s': k.seconds,
    'time ratio': Math.round((o.seconds / k.seconds) * 100) / 100,
    'nlpkit CPU s': o.cpuSeconds,
    'KenLM CPU s': k.cpuSeconds,
    'CPU ratio': Math.round((o.cpuSeconds / k.cpuSeconds) * 100) / 100,
    'nlpkit MB': Math.round(o.peakMB),
    'KenLM MB': Math.round(k.peakMB),
    'memory ratio': Math.round((o.peakMB / k.peakMB) * 100) / 100,
  });
  const table = {};
  for (const [i, c] of result.corpora.entries()) {
    const label = i === 0 ? 'PTB' : `${(c.tokens / 1e6).toFixed(2)} M tokens`;
    table[`${label}: train (estimate + write ARPA)`] = row(c.train.ours, c.train.kenlm);
    table[`${label}: score it from the ARPA, incl. load`] = row(c.evalArpa.ours, c.evalArpa.kenlm);
    table[`${label}: score it from binary (trie), incl. load`] = row(c.evalBinary.ours, c.evalBinary.kenlm);
    table[`${label}: our binary vs KenLM's probing binary`] = row(c.evalProbing.ours, c.evalProbing.kenlm);
    table[`${label}: query word by word from the ARPA`] = row(c.queryArpa.ours, c.queryArpa.kenlm);
  }
  console.table(table);
  console.log(`ARPA byte-identical to lmplz's: ${identical.join(', ')}; query output identical to KenLM's: ${queryIdentical.join(', ')}; load average at each round: ${load.join(', ')}`);
  if (!identical.every(Boolean) || !queryIdentical.every(Boolean)) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
