// Throughput of @nlpkit/metrics on real data from the shared data folder:
// - MT metrics on Multi30k test_2016_flickr (1,000 English captions): the hypotheses are a deterministic
//   corruption of the references (every 5th segment drops a word, every 3rd swaps two words, every 7th moves
//   its last two words to the front), so that n-gram matches, shifts and edits all occur.
// - Entity F1 on WikiANN English test (10,000 sentences, 80,326 tokens, IOB2): predictions are the gold tags
//   with every 13th tag replaced.
// With SACREBLEU_SRC (a sacreBLEU source tree) and SEQEVAL_SRC (a seqeval source tree) set, the same inputs are
// also timed with the reference Python implementations (/usr/bin/python3 or $PYTHON, which needs numpy, regex,
// portalocker, tabulate, colorama and scikit-learn), and their scores are checked against ours.
// Usage: pnpm build && pnpm bench        (env BENCH_QUICK=1 for a short run)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bleuFromStatistics,
  bootstrapConfidence,
  corpusBleu,
  corpusChrf,
  corpusTer,
  createBleu,
  entityF1,
  sentenceBleu,
} from '../dist/index.js';

const quick = process.env.BENCH_QUICK === '1';
const RUNS = quick ? 2 : 5;
const data = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const mtPath = `${data}multi30k/raw/test_2016_flickr.en`;
const nerPath = `${data}wikiann-en/test`;
for (const path of [mtPath, nerPath]) {
  if (!existsSync(path)) {
    console.error(`${path} not found; the benchmark needs the shared data folder.`);
    process.exit(1);
  }
}

const refs = readFileSync(mtPath, 'utf8').replace(/\n$/, '').split('\n');
const hyps = refs.map((line, i) => {
  const words = line.split(' ');
  if (i % 5 === 0 && words.length > 3) words.splice(2, 1);
  if (i % 3 === 0 && words.length > 4) [words[1], words[3]] = [words[3], words[1]];
  if (i % 7 === 0 && words.length > 4) words.unshift(...words.splice(-2));
  return words.join(' ');
});
const refWords = refs.reduce((n, line) => n + line.split(' ').length, 0);

const gold = [];
let sentence = [];
for (const line of readFileSync(nerPath, 'utf8').split('\n')) {
  if (line.trim() === '') {
    if (sentence.length) gold.push(sentence);
    sentence = [];
  } else {
    sentence.push(line.split('\t')[1]);
  }
}
if (sentence.length) gold.push(sentence);
let k = 0;
const swap = { O: 'B-PER', 'B-PER': 'I-PER', 'I-PER': 'O', 'B-ORG': 'B-LOC', 'I-ORG': 'I-LOC', 'B-LOC': 'O', 'I-LOC': 'I-ORG' };
const pred = gold.map((tags) => tags.map((tag) => (++k % 13 === 0 ? swap[tag] ?? 'O' : tag)));
const tokens = gold.reduce((n, s) => n + s.length, 0);

/** Median and best wall time of `RUNS` runs (after one warm-up), and the value of the last run. */
function time(fn) {
  let value = fn();
  const ms = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    value = fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], best: ms[0], value };
}

const rows = [];
function bench(name, items, unit, fn, show) {
  const t = time(fn);
  const row = {
    name,
    items,
    unit,
    medianMs: Number(t.median.toFixed(2)),
    bestMs: Number(t.best.toFixed(2)),
    perSecond: Math.round((items / t.median) * 1000),
    result: show(t.value),
  };
  rows.push(row);
  console.log(`${name.padEnd(44)} ${String(row.medianMs).padStart(9)} ms  ${String(row.perSecond).padStart(9)} ${unit}/s  ${row.result}`);
}

const n = refs.length;
console.log(`Multi30k test_2016_flickr.en: ${n} segments, ${refWords} reference words; WikiANN en test: ${gold.length} sentences, ${tokens} tokens`);
bench('corpus BLEU (13a, exp)', n, 'segments', () => corpusBleu(hyps, [refs]), (r) => `BLEU ${r.score.toFixed(2)}`);
bench('corpus BLEU (intl)', n, 'segments', () => corpusBleu(hyps, [refs], { tokenize: 'intl' }), (r) => `BLEU ${r.score.toFixed(2)}`);
bench('corpus BLEU (char)', n, 'segments', () => corpusBleu(hyps, [refs], { tokenize: 'char' }), (r) => `BLEU ${r.score.toFixed(2)}`);
bench('sentence BLEU, every segment', n, 'segments', () => hyps.map((h, i) => sentenceBleu(h, [refs[i]]).score), (s) => `mean ${(s.reduce((a, b) => a + b, 0) / s.length).toFixed(2)}`);
bench('corpus chrF2', n, 'segments', () => corpusChrf(hyps, [refs]), (r) => `chrF2 ${r.score.toFixed(2)}`);
bench('corpus chrF2++', n, 'segments', () => corpusChrf(hyps, [refs], { wordOrder: 2 }), (r) => `chrF2++ ${r.score.toFixed(2)}`);
bench('corpus TER (shift search)', n, 'segments', () => corpusTer(hyps, [refs]), (r) => `TER ${r.score.toFixed(2)}`);
const stats = createBleu().update(hyps, [refs]).statistics();
bench('BLEU bootstrap CI (1000 resamples)', 1000, 'resamples', () => bootstrapConfidence(stats, (s) => bleuFromStatistics(s).score, { samples: 1000 }), (r) => `${r.mean.toFixed(2)} ± ${r.ci.toFixed(2)}`);
bench('entity F1, default mode', tokens, 'tokens', () => entityF1(gold, pred), (r) => `F1 ${(100 * r.f1).toFixed(2)}`);
bench('entity F1, strict IOB2', tokens, 'tokens', () => entityF1(gold, pred, { mode: 'strict', scheme: 'IOB2' }), (r) => `F1 ${(100 * r.f1).toFixed(2)}`);

// Optional: the reference implementations on the same inputs, same number of runs (median wall time).
const PY_TIMER = String.raw`
import json, sys, time, types, warnings
warnings.filterwarnings('ignore')
sb, se, path, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
d = json.load(open(path, encoding='utf-8'))
hyps, refs, gold, pred = d['hyps'], d['refs'], d['gold'], d['pred']
jobs = {}
if sb:
    sys.path.insert(0, sb)
    v = types.ModuleType('sacrebleu.version'); v.__version__ = '2.6.0'; sys.modules['sacrebleu.version'] = v
    from sacrebleu.metrics import BLEU, CHRF, TER
    jobs['corpus BLEU (13a, exp)'] = lambda: BLEU().corpus_score(hyps, [refs]).score
    jobs['corpus BLEU (intl)'] = lambda: BLEU(tokenize='intl').corpus_score(hyps, [refs]).score
    jobs['corpus BLEU (char)'] = lambda: BLEU(tokenize='char').corpus_score(hyps, [refs]).score
    jobs['corpus chrF2'] = lambda: CHRF().corpus_score(hyps, [refs]).score
    jobs['corpus chrF2++'] = lambda: CHRF(word_order=2).corpus_score(hyps, [refs]).score
    jobs['corpus TER (shift search)'] = lambda: TER().corpus_score(hyps, [refs]).score
if se:
    sys.path.insert(0, se)
    from seqeval.metrics import f1_score
    from seqeval.scheme import IOB2
    jobs['entity F1, default mode'] = lambda: 100 * f1_score(gold, pred)
    jobs['entity F1, strict IOB2'] = lambda: 100 * f1_score(gold, pred, mode='strict', scheme=IOB2)
out = {}
for name, fn in jobs.items():
    value = fn()
    ms = []
    for _ in range(runs):
        t0 = time.perf_counter(); value = fn(); ms.append((time.perf_counter() - t0) * 1000)
    ms.sort()
    out[name] = {'medianMs': ms[len(ms) // 2], 'value': value}
print(json.dumps({'python': sys.version.split()[0], 'timings': out}))
`;
const reference = {};
let pythonVersion = '';
if (process.env.SACREBLEU_SRC || process.env.SEQEVAL_SRC) {
  const tmp = mkdtempSync(join(tmpdir(), 'nlpkit-metrics-bench-'));
  const inputs = join(tmp, 'inputs.json');
  writeFileSync(inputs, JSON.stringify({ hyps, refs, gold, pred }));
  const py = spawnSync(process.env.PYTHON ?? '/usr/bin/python3', ['-c', PY_TIMER, process.env.SACREBLEU_SRC ?? '', process.env.SEQEVAL_SRC ?? '', inputs, String(RUNS)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  rmSync(tmp, { recursive: true, force: true });
  if (py.status !== 0) {
    console.error(`reference timing failed:\n${py.stderr}`);
  } else {
    const parsed = JSON.parse(py.stdout);
    pythonVersion = parsed.python;
    Object.assign(reference, parsed.timings);
    for (const row of rows) {
      const ref = reference[row.name];
      if (!ref) continue;
      row.referenceMs = Number(ref.medianMs.toFixed(2));
      const ours = Number(row.result.split(' ').pop());
      // Scores are printed with two decimals; the reference must print the same digits.
      row.referenceAgrees = ref.value.toFixed(2) === ours.toFixed(2);
      console.log(`${row.name.padEnd(44)} reference ${String(row.referenceMs).padStart(9)} ms  value ${ref.value.toFixed(4)}  ${row.referenceAgrees ? 'same' : 'DIFFERENT'}`);
    }
  }
}
const withReference = Object.keys(reference).length > 0;
const referenceRows = rows.filter((r) => r.referenceMs !== undefined);
const agreement = referenceRows.every((r) => r.referenceAgrees)
  ? 'every reference score printed the same two decimals as ours'
  : `scores differ for: ${referenceRows.filter((r) => !r.referenceAgrees).map((r) => r.name).join(', ')}`;

const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, date: new Date().toISOString().slice(0, 10) };
const results = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
mkdirSync(results, { recursive: true });
writeFileSync(`${results}metrics.json`, `${JSON.stringify({ package: '@nlpkit/metrics', machine, runs: RUNS, rows }, null, 1)}\n`);
const md = [
  `Multi30k test_2016_flickr.en (${n} segments, corrupted copies as hypotheses) and WikiANN en test (${gold.length} sentences, ${tokens} tokens); ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}; median of ${RUNS} runs.`,
  '',
  withReference
    ? '| metric | median ms | throughput | value | reference (Python) median ms |'
    : '| metric | median ms | throughput | value |',
  withReference ? '| --- | ---: | ---: | --- | ---: |' : '| --- | ---: | ---: | --- |',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.medianMs} | ${r.perSecond.toLocaleString('en-US')} ${r.unit}/s | ${r.result} |` +
      (withReference ? ` ${r.referenceMs ?? '—'} |` : ''),
  ),
  ...(withReference
    ? ['', `Reference: ${[process.env.SACREBLEU_SRC ? 'sacreBLEU 2.6.0 (git f615c72)' : '', process.env.SEQEVAL_SRC ? 'seqeval 1.2.2 (git cd01b52)' : ''].filter(Boolean).join(' and ')} run from source on Python ${pythonVersion}, same inputs and runs; ${agreement}.`]
    : []),
  '',
].join('\n');
writeFileSync(`${results}metrics.md`, md);
console.log(`wrote ${results}metrics.json and metrics.md`);
