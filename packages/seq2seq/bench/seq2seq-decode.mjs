// Decoding throughput of @nlpkit/seq2seq: sentences per second for greedy decoding and beam search (beam 5),
// batched (all sentences of a batch × beam rows in one decoder step), on Multi30k test_2016 German sources.
// Weights: a trained seq2seq artifact (BENCH_MODEL=path, default models/multi30k-de-en/model.safetensors when it
// exists): its config, its source vocabulary encodes the test sentences, and outputs end at </s> as they would in
// use. Without one (or BENCH_MODEL=untrained) the model is freshly initialised at the size of the Multi30k recipe
// (untrained: an untrained model seldom emits </s>, so outputs run to the maximum length — a worst case).
// PyTorch reference (bench/seq2seq_decode_torch.py, Debian python3-torch with OpenBLAS pinned to one thread per
// op, torch.set_num_threads(2)): the same model with the same weights (the artifact file, or our initial weights
// written as safetensors) and the same decoding work, run interleaved with ours on wasm, 3 rounds, medians
// reported. Both sides' output ids are compared sentence by sentence (identicalGreedy / identicalBeam5): the two
// are one model only if (nearly) all are identical.
// Usage: pnpm bench (after the build)   env BENCH_BACKENDS=wasm,cpu  BENCH_QUICK=1  BENCH_RECIPE=recipes/x.json
//        BENCH_MODEL=path/model.safetensors|untrained  BENCH_ROUNDS=3  BENCH_TORCH=0 (skip PyTorch)  BENCH_NOTE=text
import { setFlagsFromString } from 'node:v8';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { initBackend, saveSafetensors } from '@nlpkit/tensor';
import { wasmGemmStats } from '../../tensor/dist/kernels/wasmKernels.js';
import { beamSearch, decodeSeq2seq, greedyDecode, initSeq2seq, seq2seqDecoderSession } from '../dist/index.js';

// Ours runs as the nlpkit CLI runs it (apps/cli/src/main.ts): the GEMM's fused multiply-adds (relaxed SIMD, a
// flag on Node 20) and 2 GEMM threads (PyTorch gets 2 threads); NLPKIT_WASM_THREADS=1 for one.
if (Number(process.versions.node.split('.')[0]) < 22) setFlagsFromString('--experimental-wasm-relaxed-simd');
if ((process.env.NLPKIT_WASM_THREADS ?? '') === '' && availableParallelism() >= 2) process.env.NLPKIT_WASM_THREADS = '2';
const root = fileURLToPath(new URL('../../../', import.meta.url));
const data = process.env.NLPKIT_SHARED_DATA ?? join(root, '../shared/data');
const tok = (file) => join(data, 'multi30k/tok', file);
if (!existsSync(tok('train.lc.norm.tok.de'))) {
  console.error(`Multi30k not found under ${data}; the benchmark needs the shared data folder.`);
  process.exit(1);
}
const quick = process.env.BENCH_QUICK === '1';
const backends = (process.env.BENCH_BACKENDS ?? 'wasm,cpu').split(',');
const SENTENCES = { wasm: quick ? 32 : 128, cpu: quick ? 8 : 16 };
const BATCH = 32;
const MAX_LENGTH = { ratio: 1.5, offset: 5 };
// Timed passes over the sentences after the first (median reported): BENCH_PASSES, default 3 (1 on cpu).
const PASSES = { wasm: Number(process.env.BENCH_PASSES ?? 3), cpu: 1 };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The trained artifact, if any: BENCH_MODEL (relative to the working directory), else the committed model.
const defaultModel = join(root, 'models/multi30k-de-en/model.safetensors');
const modelEnv = process.env.BENCH_MODEL;
const modelPath = modelEnv === 'untrained' ? undefined : modelEnv !== undefined && modelEnv !== '' ? resolve(modelEnv) : existsSync(defaultModel) ? defaultModel : undefined;
if (modelPath !== undefined && !existsSync(modelPath)) {
  console.error(`BENCH_MODEL=${modelEnv}: no such file`);
  process.exit(1);
}
const modelBytes = modelPath === undefined ? undefined : new Uint8Array(readFileSync(modelPath));
const shownPath = (p) => (relative(root, p).startsWith('..') || isAbsolute(relative(root, p)) ? p : relative(root, p));
// decodeSeq2seq makes tensors: start the first backend to read the artifact's config and vocabularies.
await initBackend({ only: backends[0] });
const artifact = modelBytes === undefined ? undefined : decodeSeq2seq(modelBytes);

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
const config = artifact?.config ?? { ...model, sourceVocabSize: de.size, targetVocabSize: en.size };

const lines = readFileSync(tok('test_2016_flickr.lc.norm.tok.de'), 'utf8').split('\n').filter((l) => l.trim() !== '');
const sources = lines.map((l) => (artifact === undefined ? [...l.split(' ').map((w) => de.index.get(w) ?? 1), 3] : artifact.sourceVocabulary.encode(l.split(' '), { eos: true })));
artifact?.dispose();

// The model on the current backend: the artifact's weights (decoded again per run, on that backend) or our
// fresh initialisation (same seed, same weights on every backend).
function loadModel() {
  if (modelBytes === undefined) {
    const params = initSeq2seq(config, createRng(1));
    return { model: { config, params }, dispose: () => tf.dispose(Object.values(params)) };
  }
  const a = decodeSeq2seq(modelBytes);
  return { model: { config: a.config, params: a.params }, dispose: () => a.dispose() };
}

async function run(strategy, sentences, passes) {
  const { model: m, dispose } = loadModel();
  const decode = async (batch) => {
    const session = seq2seqDecoderSession(m, batch);
    try {
      return strategy === 'greedy' ? await greedyDecode(session, { maxLength: MAX_LENGTH }) : (await beamSearch(session, { beamSize: 5, maxLength: MAX_LENGTH })).map((l) => l[0]);
    } finally {
      session.dispose();
    }
  };
  await decode(sources.slice(0, 2)); // warm-up: kernels compiled
  // The first pass right after loading (what decoding a few sentences costs: the weights' first use, wasm memory
  // grown to full batches, the GEMM threads started), then `passes` more: the steady rate of a longer job.
  const pass = async () => {
    const t0 = performance.now();
    const outputs = [];
    for (let i = 0; i < sentences; i += BATCH) {
      for (const out of await decode(sources.slice(i, Math.min(sentences, i + BATCH)))) outputs.push(out.ids);
    }
    return { seconds: (performance.now() - t0) / 1000, outputs };
  };
  const first = await pass();
  const steady = [];
  for (let p = 0; p < passes; p++) steady.push((await pass()).seconds);
  dispose();
  const tokens = first.outputs.reduce((n, ids) => n + ids.length, 0);
  const seconds = steady.length > 0 ? median(steady) : first.seconds;
  const timing = { sentences, seconds, sentencesPerSecond: sentences / seconds, outputTokensPerSecond: tokens / seconds, meanOutputLength: tokens / sentences };
  return { timing: { ...timing, passes: steady.length, passSeconds: steady, firstPassSeconds: first.seconds, firstPassSentencesPerSecond: sentences / first.seconds }, outputs: first.outputs };
}

const results = {
  config,
  recipe: modelPath !== undefined ? 'none: config from the trained artifact' : recipe ?? 'none found: defaults in bench/seq2seq-decode.mjs',
  batch: BATCH,
  maxLength: MAX_LENGTH,
  data: 'Multi30k test_2016_flickr.de (first sentences)',
  weights: modelPath !== undefined ? `trained artifact ${shownPath(modelPath)}` : 'freshly initialised (untrained; PyTorch loads the same initial weights)',
  backends: {},
};
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3));
const medianRun = (runs) => {
  const m = median(runs.map((r) => r.sentencesPerSecond));
  return {
    ...runs.find((r) => r.sentencesPerSecond === m),
    rounds: runs.map((r) => Number(r.sentencesPerSecond.toFixed(3))),
    firstPassMedian: median(runs.map((r) => r.firstPassSentencesPerSecond)),
    firstPassRounds: runs.map((r) => Number(r.firstPassSentencesPerSecond.toFixed(3))),
  };
};

// PyTorch: same config, same weights, same source ids, same batches and length limit. The weights: the artifact
// file itself (safetensors, read by the script), or our initial weights written as float32 safetensors.
const torchDir = mkdtempSync(join(tmpdir(), 'nlpkit-s2s-bench-'));
writeFileSync(join(torchDir, 'config.json'), JSON.stringify(config));
writeFileSync(join(torchDir, 'sources.txt'), `${sources.map((s) => s.join(' ')).join('\n')}\n`);
let torchWeights = modelPath;
if (torchWeights === undefined && process.env.BENCH_TORCH !== '0') {
  const { model: m, dispose } = loadModel();
  torchWeights = join(torchDir, 'weights.safetensors');
  writeFileSync(torchWeights, saveSafetensors(m.params));
  dispose();
}
function benchTorch(sentences) {
  if (process.env.BENCH_TORCH === '0') return { skipped: 'BENCH_TORCH=0' };
  const script = fileURLToPath(new URL('./seq2seq_decode_torch.py', import.meta.url));
  const args = [script, join(torchDir, 'config.json'), join(torchDir, 'sources.txt'), String(sentences), String(BATCH), String(MAX_LENGTH.ratio), String(MAX_LENGTH.offset), '2', torchWeights ?? '', String(PASSES.wasm)];
  const r = spawnSync('/usr/bin/python3', args, {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '2' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) return { skipped: `python3 with torch failed: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}` };
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

// Sentence-by-sentence comparison of our output ids with PyTorch's (on the sentences both decoded).
function compareOutputs(ours, theirs) {
  const n = Math.min(ours.length, theirs.length);
  const differing = [];
  for (let i = 0; i < n; i++) {
    const a = ours[i];
    const b = theirs[i];
    if (a.length !== b.length || a.some((x, j) => x !== b[j])) differing.push(i);
  }
  return { text: `${n - differing.length} of ${n}`, identical: n - differing.length, of: n, differing: differing.slice(0, 10) };
}

const ourOutputs = {};
let torchOutputs;
for (const backend of backends) {
  await initBackend({ only: backend });
  const rounds = backend === 'wasm' ? ROUNDS : 1;
  const ours = { greedy: [], beam5: [] };
  const torch = [];
  for (let round = 0; round < rounds; round++) {
    ours.greedy.push(await run('greedy', SENTENCES[backend], PASSES[backend]));
    ours.beam5.push(await run('beam5', SENTENCES[backend], PASSES[backend]));
    if (backend === 'wasm') torch.push(benchTorch(SENTENCES[backend]));
  }
  results.backends[backend] = { greedy: medianRun(ours.greedy.map((r) => r.timing)), beam5: medianRun(ours.beam5.map((r) => r.timing)) };
  if (backend === 'wasm') {
    const gemm = wasmGemmStats();
    results.backends[backend].gemm = { threads: gemm?.threads, fusedMultiplyAdd: gemm?.fma };
  }
  ourOutputs[backend] = { greedy: ours.greedy[0].outputs, beam5: ours.beam5[0].outputs };
  if (torch.length > 0) {
    const ok = torch.filter((t) => t.skipped === undefined);
    torchOutputs = ok[0]?.outputs;
    results.torch = ok.length === 0
      ? torch[0]
      : { torch: ok[0].torch, threads: ok[0].threads, blas: ok[0].blas, weights: ok[0].weights, greedy: medianRun(ok.map((t) => t.greedy)), beam5: medianRun(ok.map((t) => t.beam5)) };
    // Ours over PyTorch within each round (the machine's speed drifts between rounds).
    if (backend === 'wasm' && torch.every((t) => t.skipped === undefined)) {
      results.sameRound = Object.fromEntries(['greedy', 'beam5'].map((k) => [k, torch.map((t, i) => Number((ours[k][i].timing.sentencesPerSecond / t[k].sentencesPerSecond).toFixed(2)))]));
      results.sameRoundFirstPass = Object.fromEntries(['greedy', 'beam5'].map((k) => [k, torch.map((t, i) => Number((ours[k][i].timing.firstPassSentencesPerSecond / t[k].firstPassSentencesPerSecond).toFixed(2)))]));
    }
  }
  console.log(backend, results.backends[backend], results.torch ?? '');
}
rmSync(torchDir, { recursive: true, force: true });
// Same model, same weights: the output ids must agree (a near-tie may rarely flip on float rounding).
if (torchOutputs !== undefined) {
  for (const [backend, out] of Object.entries(ourOutputs)) {
    const greedy = compareOutputs(out.greedy, torchOutputs.greedy);
    const beam5 = compareOutputs(out.beam5, torchOutputs.beam5);
    Object.assign(results.backends[backend], { identicalGreedy: greedy.text, identicalBeam5: beam5.text });
    if (greedy.differing.length > 0 || beam5.differing.length > 0) {
      results.backends[backend].differingSentences = { greedy: greedy.differing, beam5: beam5.differing };
    }
    console.log(`${backend}: output ids identical to PyTorch's: greedy ${greedy.text}, beam 5 ${beam5.text}`);
    if (greedy.of - greedy.identical > 2 || beam5.of - beam5.identical > 2) {
      console.warn(`${backend}: more than a near-tie or two differ from PyTorch (sentences ${[...new Set([...greedy.differing, ...beam5.differing])].join(', ')}): the weight mapping or the decoding rules disagree`);
    }
  }
}
results.machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, date: new Date().toISOString(), load: loadavg(), note: 'a shared VM: its speed drifts between rounds (the host\'s other guests), so compare within a round' };
results.note = process.env.BENCH_NOTE;

const fmt = (x, d = 1) => x.toLocaleString('en-US', { maximumFractionDigits: d });
const rows = [['implementation', 'strategy', 'sentences', 'sentences/s, steady (median)', 'rounds', 'output tokens/s', 'mean output length', 'vs PyTorch', 'first pass: sentences/s (median), vs PyTorch', 'output ids identical to PyTorch']];
const torchOk = results.torch !== undefined && results.torch.skipped === undefined;
for (const [b, r] of Object.entries(results.backends)) {
  for (const [name, key] of [['greedy', 'greedy'], ['beam 5', 'beam5']]) {
    const x = r[key];
    const ratio = b === 'wasm' && torchOk ? `${fmt(x.sentencesPerSecond / results.torch[key].sentencesPerSecond, 2)}×` : '—';
    const firstRatio = b === 'wasm' && torchOk ? `, ${fmt(x.firstPassMedian / results.torch[key].firstPassMedian, 2)}×` : '';
    const same = r[key === 'greedy' ? 'identicalGreedy' : 'identicalBeam5'] ?? '—';
    const how = r.gemm === undefined ? '' : ` (${r.gemm.threads} GEMM thread${r.gemm.threads === 1 ? '' : 's'}${r.gemm.fusedMultiplyAdd ? ', FMA' : ''})`;
    rows.push([`@nlpkit/seq2seq, ${b}${how}`, name, String(x.sentences), fmt(x.sentencesPerSecond, 2), x.rounds.join(', '), fmt(x.outputTokensPerSecond), fmt(x.meanOutputLength), ratio, `${fmt(x.firstPassMedian, 2)}${firstRatio}`, same]);
  }
}
if (torchOk) {
  for (const [name, key] of [['greedy', 'greedy'], ['beam 5', 'beam5']]) {
    const x = results.torch[key];
    rows.push([`PyTorch ${results.torch.torch}, ${results.torch.threads} threads`, name, String(x.sentences), fmt(x.sentencesPerSecond, 2), x.rounds.join(', '), fmt(x.outputTokensPerSecond), fmt(x.meanOutputLength), '1×', `${fmt(x.firstPassMedian, 2)}, 1×`, '—']);
  }
}
const modelText = `${config.cell} ${config.encoderLayers}+${config.decoderLayers} layers, embedding ${config.embeddingSize}, hidden ${config.hiddenSize}${config.bidirectional ? ' (bidirectional encoder)' : ''}, ${config.attention} attention, ${config.bridge} bridge${config.inputFeeding ? ', input feeding' : ''}`;
const weightsText = modelPath !== undefined
  ? `**Trained weights**: the artifact ${shownPath(modelPath)} (its config; its vocabularies, ${config.sourceVocabSize} de / ${config.targetVocabSize} en, encode the sources), so outputs end at </s> as in use (maximum length ${MAX_LENGTH.ratio}·|src| + ${MAX_LENGTH.offset}).`
  : `Vocabularies ${config.sourceVocabSize} de / ${config.targetVocabSize} en (Multi30k train, count ≥ 2); size from ${results.recipe}. **Untrained weights** (freshly initialised): outputs run to the maximum length ${MAX_LENGTH.ratio}·|src| + ${MAX_LENGTH.offset}, so these are worst-case lengths.`;
const md = [
  `Model: ${modelText}. ${weightsText} Batches of ${BATCH} sentences; beam search keeps all sentences × 5 rows in one decoder step. Each round (a fresh model load; PyTorch a fresh process) decodes 2 sentences as a warm-up, then the sentences once (the first pass: what decoding a few sentences right after loading costs, with first-use work such as weight packing and wasm memory growth) and ${PASSES.wasm} more times on wasm and PyTorch, ${PASSES.cpu} on cpu (steady: the median of those passes, a longer job's rate).`,
  '',
  `| ${rows[0].join(' | ')} |`,
  `| ${rows[0].map(() => '---').join(' | ')} |`,
  ...rows.slice(1).map((r) => `| ${r.join(' | ')} |`),
  '',
  torchOk
    ? `PyTorch: Debian python3-torch ${results.torch.torch}, torch.set_num_threads(${results.torch.threads}), OPENBLAS_NUM_THREADS=1; BLAS loaded (from /proc/self/maps): ${results.torch.blas.join(', ') || 'none found'}. Same model with the same weights (${modelPath !== undefined ? 'the trained artifact, read from its safetensors' : 'our untrained initial weights, written as safetensors'}), same source ids, batches, length limit and decoding rules; rounds interleaved with ours on wasm. Output ids identical to PyTorch's, sentence by sentence: ${Object.entries(results.backends).filter(([, r]) => r.identicalGreedy !== undefined).map(([b, r]) => `${b} greedy ${r.identicalGreedy}, beam 5 ${r.identicalBeam5}`).join('; ') || 'not compared'}.`
    : `PyTorch reference not run: ${results.torch?.skipped ?? 'no wasm backend in this run'}.`,
  '',
  ...(results.sameRound === undefined ? [] : [`Ours on wasm over PyTorch within each round: greedy ${results.sameRound.greedy.map((x) => `${x}×`).join(', ')} (median ${fmt(median(results.sameRound.greedy), 2)}×); beam 5 ${results.sameRound.beam5.map((x) => `${x}×`).join(', ')} (median ${fmt(median(results.sameRound.beam5), 2)}×). First passes: greedy ${results.sameRoundFirstPass.greedy.map((x) => `${x}×`).join(', ')}; beam 5 ${results.sameRoundFirstPass.beam5.map((x) => `${x}×`).join(', ')}.`, '']),
  ...(process.env.BENCH_NOTE ? [process.env.BENCH_NOTE, ''] : []),
  `Machine: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}, ${results.machine.date}. ${results.machine.note}.`,
  '',
].join('\n');
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/seq2seq-decode.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(root, 'bench/results/seq2seq-decode.md'), md);
console.log(md);
