// Decoding throughput of @nlpkit/seq2seq: sentences per second for greedy decoding and beam search (beam 5),
// batched (all sentences of a batch × beam rows in one decoder step), on Multi30k test_2016 German sources.
// The model is freshly initialised at the size of the Multi30k recipe (untrained: speed does not depend on the
// weights, but an untrained model seldom emits </s>, so outputs run to the maximum length — a worst case).
// PyTorch reference (bench/seq2seq_decode_torch.py, Debian python3-torch with OpenBLAS pinned to one thread per
// op, torch.set_num_threads(2)): the same model and decoding work, run interleaved with ours on wasm, 3 rounds,
// medians reported.
// Usage: pnpm bench (after the build)   env BENCH_BACKENDS=wasm,cpu  BENCH_QUICK=1  BENCH_RECIPE=recipes/x.json
//        BENCH_ROUNDS=3  BENCH_TORCH=0 (skip PyTorch)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { initBackend } from '@nlpkit/tensor';
import { beamSearch, greedyDecode, initSeq2seq, seq2seqDecoderSession } from '../dist/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const data = process.env.NLPKIT_SHARED_DATA ?? join(root, '../shared/data');
const tok = (file) => join(data, 'multi30k/tok', file);
if (!existsSync(tok('train.lc.norm.tok.de'))) {
  console.error(`Multi30k not found under ${data}; the benchmark needs the shared data folder.`);
  process.exit(1);
}
const quick = process.env.BENCH_QUICK === '1';
const backends = (process.env.BENCH_BACKENDS ?? 'wasm,cpu').split(',');
const SENTENCES = { wasm: quick ? 32 : 64, cpu: quick ? 8 : 16 };
const BATCH = 32;
const MAX_LENGTH = { ratio: 1.5, offset: 5 };

// Vocabularies as the recipe builds them (tokens seen at least twice in train, plus the 4 specials).
const vocabularySize = (file) => {
  const counts = new Map();
  for (const line of readFileSync(tok(file), 'utf8').split('\n')) for (const w of line.split(' ')) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts].filter(([, c]) => c >= 2).map(([w]) => w);
  return { size: words.length + 4, index: new Map(words.map((w, i) => [w, i + 4])) };
};
const de = vocabularySize('train.lc.norm.tok.de');
const en = vocabularySize('train.lc.norm.tok.en');

// The model size of the Multi30k recipe when there is one (recipes/multi30k-*.json with a `model` object),
// else these defaults (Luong-style attention model).
let model = {
  embeddingSize: 256, hiddenSize: 512, encoderLayers: 2, decoderLayers: 2, cell: 'lstm', bidirectional: true,
  reverseSource: false, bridge: 'dense', attention: 'general', inputFeeding: true, dropout: 0,
};
let recipe = process.env.BENCH_RECIPE ?? readdirSync(join(root, 'recipes')).filter((f) => /^multi30k.*\.json$/.test(f)).map((f) => join('recipes', f))[0];
if (recipe !== undefined) {
  const parsed = JSON.parse(readFileSync(join(root, recipe), 'utf8'));
  if (parsed.model && typeof parsed.model === 'object') {
    const allowed = Object.keys(model);
    model = { ...model, ...Object.fromEntries(Object.entries(parsed.model).filter(([k]) => allowed.includes(k))) };
  } else recipe = undefined;
}
const config = { ...model, sourceVocabSize: de.size, targetVocabSize: en.size };

const lines = readFileSync(tok('test_2016_flickr.lc.norm.tok.de'), 'utf8').split('\n').filter((l) => l.trim() !== '');
const sources = lines.map((l) => [...l.split(' ').map((w) => de.index.get(w) ?? 1), 3]);

async function run(strategy, sentences) {
  const params = initSeq2seq(config, createRng(1));
  const m = { config, params };
  const decode = async (batch) => {
    const session = seq2seqDecoderSession(m, batch);
    try {
      return strategy === 'greedy' ? await greedyDecode(session, { maxLength: MAX_LENGTH }) : (await beamSearch(session, { beamSize: 5, maxLength: MAX_LENGTH })).map((l) => l[0]);
    } finally {
      session.dispose();
    }
  };
  await decode(sources.slice(0, 2)); // warm-up: kernels compiled, wasm memory grown
  const t0 = performance.now();
  let tokens = 0;
  for (let i = 0; i < sentences; i += BATCH) {
    for (const out of await decode(sources.slice(i, Math.min(sentences, i + BATCH)))) tokens += out.ids.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose(Object.values(params));
  return { sentences, seconds, sentencesPerSecond: sentences / seconds, outputTokensPerSecond: tokens / seconds, meanOutputLength: tokens / sentences };
}

const results = {
  config,
  recipe: recipe ?? 'none found: defaults in bench/seq2seq-decode.mjs',
  batch: BATCH,
  maxLength: MAX_LENGTH,
  data: 'Multi30k test_2016_flickr.de (first sentences)',
  weights: 'freshly initialised (untrained)',
  backends: {},
};
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const medianRun = (runs) => {
  const m = median(runs.map((r) => r.sentencesPerSecond));
  return { ...runs.find((r) => r.sentencesPerSecond === m), rounds: runs.map((r) => Number(r.sentencesPerSecond.toFixed(3))) };
};

// PyTorch: same config, same source ids, same batches and length limit.
const torchDir = mkdtempSync(join(tmpdir(), 'nlpkit-s2s-bench-'));
writeFileSync(join(torchDir, 'config.json'), JSON.stringify(config));
writeFileSync(join(torchDir, 'sources.txt'), `${sources.map((s) => s.join(' ')).join('\n')}\n`);
function benchTorch(sentences) {
  if (process.env.BENCH_TORCH === '0') return { skipped: 'BENCH_TORCH=0' };
  const script = fileURLToPath(new URL('./seq2seq_decode_torch.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, join(torchDir, 'config.json'), join(torchDir, 'sources.txt'), String(sentences), String(BATCH), String(MAX_LENGTH.ratio), String(MAX_LENGTH.offset), '2'], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '2' },
  });
  if (r.status !== 0) return { skipped: `python3 with torch failed: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}` };
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

for (const backend of backends) {
  await initBackend({ only: backend });
  const rounds = backend === 'wasm' ? ROUNDS : 1;
  const ours = { greedy: [], beam5: [] };
  const torch = [];
  for (let round = 0; round < rounds; round++) {
    ours.greedy.push(await run('greedy', SENTENCES[backend]));
    ours.beam5.push(await run('beam5', SENTENCES[backend]));
    if (backend === 'wasm') torch.push(benchTorch(SENTENCES[backend]));
  }
  results.backends[backend] = { greedy: medianRun(ours.greedy), beam5: medianRun(ours.beam5) };
  if (torch.length > 0) {
    const ok = torch.filter((t) => t.skipped === undefined);
    results.torch = ok.length === 0
      ? torch[0]
      : { torch: ok[0].torch, threads: ok[0].threads, blas: ok[0].blas, greedy: medianRun(ok.map((t) => t.greedy)), beam5: medianRun(ok.map((t) => t.beam5)) };
  }
  console.log(backend, results.backends[backend], results.torch ?? '');
}
rmSync(torchDir, { recursive: true, force: true });
results.machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, date: new Date().toISOString(), note: 'shared machine: other jobs ran at the same time, so absolute numbers are noisy' };

const fmt = (x, d = 1) => x.toLocaleString('en-US', { maximumFractionDigits: d });
const rows = [['implementation', 'strategy', 'sentences', 'sentences/s (median)', 'rounds', 'output tokens/s', 'mean output length', 'vs PyTorch']];
const torchOk = results.torch !== undefined && results.torch.skipped === undefined;
for (const [b, r] of Object.entries(results.backends)) {
  for (const [name, key] of [['greedy', 'greedy'], ['beam 5', 'beam5']]) {
    const x = r[key];
    const ratio = b === 'wasm' && torchOk ? `${fmt(x.sentencesPerSecond / results.torch[key].sentencesPerSecond, 2)}×` : '—';
    rows.push([`@nlpkit/seq2seq, ${b}`, name, String(x.sentences), fmt(x.sentencesPerSecond, 2), x.rounds.join(', '), fmt(x.outputTokensPerSecond), fmt(x.meanOutputLength), ratio]);
  }
}
if (torchOk) {
  for (const [name, key] of [['greedy', 'greedy'], ['beam 5', 'beam5']]) {
    const x = results.torch[key];
    rows.push([`PyTorch ${results.torch.torch}, ${results.torch.threads} threads`, name, String(x.sentences), fmt(x.sentencesPerSecond, 2), x.rounds.join(', '), fmt(x.outputTokensPerSecond), fmt(x.meanOutputLength), '1×']);
  }
}
const md = [
  `Model: ${config.cell} ${config.encoderLayers}+${config.decoderLayers} layers, embedding ${config.embeddingSize}, hidden ${config.hiddenSize}${config.bidirectional ? ' (bidirectional encoder)' : ''}, ${config.attention} attention, vocabularies ${config.sourceVocabSize} de / ${config.targetVocabSize} en (Multi30k train, count ≥ 2); size from ${results.recipe}. **Untrained weights**: outputs run to the maximum length ${MAX_LENGTH.ratio}·|src| + ${MAX_LENGTH.offset}, so these are worst-case lengths. Batches of ${BATCH} sentences; beam search keeps all sentences × 5 rows in one decoder step.`,
  '',
  `| ${rows[0].join(' | ')} |`,
  `| ${rows[0].map(() => '---').join(' | ')} |`,
  ...rows.slice(1).map((r) => `| ${r.join(' | ')} |`),
  '',
  torchOk
    ? `PyTorch: Debian python3-torch ${results.torch.torch}, torch.set_num_threads(${results.torch.threads}), OPENBLAS_NUM_THREADS=1; BLAS loaded (from /proc/self/maps): ${results.torch.blas.join(', ') || 'none found'}. Same model, same untrained-size weights, same source ids, batches and length limit; rounds interleaved with ours on wasm.`
    : `PyTorch reference not run: ${results.torch?.skipped ?? 'no wasm backend in this run'}.`,
  '',
  `Machine: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}, ${results.machine.date}. ${results.machine.note}.`,
  '',
].join('\n');
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/seq2seq-decode.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(root, 'bench/results/seq2seq-decode.md'), md);
console.log(md);
