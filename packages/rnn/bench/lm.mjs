// LSTM language-model training throughput: @nlpkit/rnn vs tf.layers.lstm (same backend, same run) vs PyTorch.
// Zaremba et al. (2014) small config: vocab 10k, embedding = hidden = 200, 2 layers, batch 20, BPTT 35, full
// softmax, SGD lr 1, global-norm clip 5. Token stream: PTB train from the shared data folder.
// Usage: pnpm bench   (after `tsc -p tsconfig.build.json`)   env BENCH_BACKENDS=wasm,cpu  BENCH_QUICK=1
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@nlpkit/core';
import { initBackend } from '@nlpkit/tensor';
import { flattenParams, sgd, trainStep, unflattenParams } from '@nlpkit/train';
import { initRecurrentLm, recurrentLmForward, recurrentLmLoss } from '../dist/index.js';

const CFG = { vocabSize: 10000, embeddingSize: 200, hiddenSize: 200, layers: 2 };
const BATCH = 20;
const BPTT = 35;
const quick = process.env.BENCH_QUICK === '1';
const backends = (process.env.BENCH_BACKENDS ?? 'wasm,cpu').split(',');
// Timed steps per backend and model, each after one warm-up step. On the cpu backend (plain JavaScript) a
// tf.layers step takes over a minute, so it gets a single timed step to keep the whole run near five minutes.
const STEPS = { wasm: { nlpkit: quick ? 2 : 4, tfjsLayers: quick ? 2 : 4 }, cpu: { nlpkit: quick ? 1 : 3, tfjsLayers: 1 } };
const WARMUP = 1;

const root = fileURLToPath(new URL('../../../', import.meta.url));
const ptbPath = fileURLToPath(new URL('../../../../shared/data/ptb/ptb.train.txt', import.meta.url));
if (!existsSync(ptbPath)) {
  console.error(`PTB not found at ${ptbPath}; the benchmark needs the shared data folder.`);
  process.exit(1);
}

// Token stream exactly as the LM papers count it: whitespace split plus <eos> per line; ids by frequency.
const lines = readFileSync(ptbPath, 'utf8').split('\n').filter((l) => l.trim() !== '');
const counts = new Map();
const words = [];
for (const line of lines) {
  for (const w of [...line.trim().split(/\s+/), '<eos>']) {
    words.push(w);
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
}
const vocab = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || (a < b ? -1 : 1));
if (vocab.length !== CFG.vocabSize) throw new Error(`expected a 10k vocabulary, got ${vocab.length}`);
const index = new Map(vocab.map((w, i) => [w, i]));
const stream = Int32Array.from(words, (w) => index.get(w));
const cols = Math.floor(stream.length / BATCH);
/** Batch-major [BATCH, cols] layout as in Zaremba's reader: row b is the b-th contiguous slice of the stream. */
function segment(k, offset) {
  const pos = (k * BPTT) % (cols - BPTT - 1);
  const out = new Int32Array(BATCH * BPTT);
  for (let b = 0; b < BATCH; b++) for (let t = 0; t < BPTT; t++) out[b * BPTT + t] = stream[b * cols + pos + t + offset];
  return out;
}

async function benchOurs() {
  const rng = createRng(1);
  const p0 = initRecurrentLm(CFG, rng, 0.1);
  const vars = Object.fromEntries(Object.entries(flattenParams(p0)).map(([k, t]) => [k, tf.variable(t)]));
  const params = unflattenParams(p0, vars);
  const opt = sgd();
  let state;
  const step = async (k) => {
    const x = tf.tensor2d(segment(k, 0), [BATCH, BPTT], 'int32');
    const y = tf.tensor2d(segment(k, 1), [BATCH, BPTT], 'int32');
    let next;
    const r = trainStep(vars, () => {
      const out = recurrentLmForward(CFG, params, x, state === undefined ? {} : { state });
      next = out.state.map((s) => ({ h: tf.keep(s.h), c: tf.keep(s.c) }));
      return recurrentLmLoss(out.logits, y);
    }, opt, 1, { maxNorm: 5 });
    // Truncated BPTT: the final state is carried as a constant into the next segment.
    if (state !== undefined) for (const s of state) tf.dispose([s.h, s.c]);
    state = next;
    tf.dispose([x, y]);
    // The step's loss stays on the device until read; reading it every step keeps the timing comparable with
    // tf.layers' trainOnBatch, which also waits for its loss.
    return (await r.read()).loss;
  };
  return run(step, STEPS[tf.getBackend()]?.nlpkit);
}

async function benchLayers(backend) {
  // tfjs-layers' Embedding cannot train on wasm (its gather gradient needs UnsortedSegmentSum, which the wasm
  // backend lacks), so this baseline starts at the LSTM: it gets embedded inputs and has no embedding update,
  // i.e. less work than the model it is compared with.
  const table = tf.randomUniform([CFG.vocabSize, CFG.embeddingSize], -0.1, 0.1);
  const init = tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 1 });
  const model = tfl.sequential();
  model.add(tfl.layers.lstm({ units: CFG.hiddenSize, returnSequences: true, inputShape: [BPTT, CFG.embeddingSize], kernelInitializer: init, recurrentInitializer: init, biasInitializer: init }));
  model.add(tfl.layers.lstm({ units: CFG.hiddenSize, returnSequences: true, kernelInitializer: init, recurrentInitializer: init, biasInitializer: init }));
  model.add(tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: CFG.vocabSize, activation: 'softmax', kernelInitializer: init }) }));
  model.compile({ optimizer: tf.train.sgd(1), loss: 'sparseCategoricalCrossentropy' });
  const step = async (k) => {
    const ids = tf.tensor2d(segment(k, 0), [BATCH, BPTT], 'int32');
    const x = tf.gather(table, ids);
    const y = tf.tensor3d(segment(k, 1), [BATCH, BPTT, 1], 'float32');
    const loss = await model.trainOnBatch(x, y);
    tf.dispose([ids, x, y]);
    return Array.isArray(loss) ? loss[0] : loss;
  };
  const result = await run(step, STEPS[backend]?.tfjsLayers);
  model.dispose();
  table.dispose();
  return result;
}

async function run(step, steps = 2) {
  let k = 0;
  for (let i = 0; i < WARMUP; i++) await step(k++);
  const t0 = performance.now();
  let loss = NaN;
  for (let i = 0; i < steps; i++) loss = await step(k++);
  const seconds = (performance.now() - t0) / 1000;
  return { tokensPerSecond: (BATCH * BPTT * steps) / seconds, steps, seconds, loss };
}

function benchTorch() {
  const dir = mkdtempSync(join(tmpdir(), 'nlpkit-rnn-bench-'));
  const idsPath = join(dir, 'ids.txt');
  // The same batch layout is rebuilt in Python from the same stream (first 200k tokens are plenty).
  writeFileSync(idsPath, Array.from(stream.subarray(0, 200000)).join(' '));
  const script = fileURLToPath(new URL('./lm_torch.py', import.meta.url));
  const args = [script, idsPath, CFG.vocabSize, CFG.embeddingSize, CFG.hiddenSize, CFG.layers, BATCH, BPTT, 1, quick ? 3 : 5, 2].map(String);
  const res = spawnSync('/usr/bin/python3', args, { encoding: 'utf8', timeout: 300_000 });
  rmSync(dir, { recursive: true, force: true });
  if (res.status !== 0) return { error: (res.stderr || res.error?.message || 'failed').trim().split('\n').slice(-1)[0] };
  return JSON.parse(res.stdout.trim().split('\n').pop());
}

const results = { config: { ...CFG, batch: BATCH, bptt: BPTT, optimizer: 'SGD lr 1, clip 5', data: 'PTB train (shared data)' }, backends: {} };
console.log('PyTorch (2 threads)...');
results.torch = benchTorch();
console.log(results.torch);
for (const backend of backends) {
  await initBackend({ only: backend });
  console.log(`${backend}: @nlpkit/rnn...`);
  const ours = await benchOurs();
  console.log(`${backend}: tf.layers.lstm...`);
  const layers = await benchLayers(backend);
  results.backends[backend] = { nlpkit: ours, tfjsLayers: layers, speedupVsLayers: ours.tokensPerSecond / layers.tokensPerSecond, ratioVsTorch: results.torch.tokensPerSecond ? ours.tokensPerSecond / results.torch.tokensPerSecond : null };
}
results.machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, date: new Date().toISOString(), note: 'shared machine: other jobs ran at the same time, so absolute numbers are noisy; ratios come from the same run' };

const fmt = (x) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(x < 10 ? 2 : 0));
const rows = [['backend', '@nlpkit/rnn tok/s', 'tf.layers.lstm tok/s', 'vs tfjs-layers', 'PyTorch CPU (2 threads) tok/s', 'vs PyTorch']];
for (const [b, r] of Object.entries(results.backends)) {
  rows.push([b, fmt(r.nlpkit.tokensPerSecond), fmt(r.tfjsLayers.tokensPerSecond), `${fmt(r.speedupVsLayers)}×`, fmt(results.torch.tokensPerSecond), `${fmt(r.ratioVsTorch)}×`]);
}
console.table(rows.slice(1).map((r) => Object.fromEntries(rows[0].map((h, i) => [h, r[i]]))));
const md = [
  '### @nlpkit/rnn — LSTM LM training (Zaremba small: V 10k, 200/200, 2 layers, batch 20, BPTT 35, full softmax)',
  '',
  `| ${rows[0].join(' | ')} |`,
  `|${rows[0].map(() => '---').join('|')}|`,
  ...rows.slice(1).map((r) => `| ${r.join(' | ')} |`),
  '',
  `Machine: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}, ${results.machine.date}. ${results.machine.note}.`,
  'tf.layers baseline gets pre-embedded inputs (its Embedding cannot train on wasm), so it does slightly less work.',
  `Steps timed after ${WARMUP} warm-up step: ${Object.entries(results.backends).map(([b, r]) => `${b} ${r.nlpkit.steps} (@nlpkit/rnn) and ${r.tfjsLayers.steps} (tf.layers)`).join(', ')}; PyTorch ${quick ? 3 : 5} after 1.`,
  'On the cpu backend @nlpkit/rnn runs its matmuls, affine layers and softmax cross-entropy on kernels of its own (packed, register-tiled JavaScript) registered under its own names; tf.layers runs on the stock tfjs-backend-cpu kernels.',
  `PyTorch ${results.torch.torch ?? ''} is Debian's python3-torch build. The BLAS it loaded was not recorded: \`BLAS_INFO=generic\` does not say which BLAS runs, and on these machines \`libblas.so.3\` resolves to OpenBLAS, whose threads oversubscribed the two cores in this run. Pinned (OPENBLAS_NUM_THREADS=1, torch.set_num_threads(2)) the same step runs at ~2,400 tok/s (issue 12): treat this PyTorch column as unverified until the bench records the loaded BLAS from /proc/self/maps.`,
  '',
].join('\n');
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/rnn.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(root, 'bench/results/rnn.md'), md);
console.log(md);
