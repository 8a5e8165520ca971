// One measurement of seq2seq training in a fresh process (spawned by bench/seq2seq-train.mjs, or run by hand):
// the Multi30k recipe's model, data, optimizer, label smoothing, clipping and dropout, on one backend, with the
// implementation at BENCH_IMPL (a built dist folder; default ../dist). Prints one JSON line.
//   node bench/trainChild.mjs <backend> <mode> <batchSize> [steps]
//   mode 'speed':   `steps` batches of epoch 0 in the recipe's bucketed order (after BENCH_WARMUP=2 warm-up steps): target tokens/s
//   mode 'longest': the `steps` longest batches of epoch 0 (by padded target × source cells), longest first; peak
//                   tf bytes (tf.profile), wasm heap, peak RSS
//   mode 'epoch':   `steps` batches of epoch 0 in order, with the longest batches of the epoch put first
// env BENCH_IMPL=path/to/dist  BENCH_RECIPE=recipes/multi30k-de-en.json  BENCH_PROFILE=1 (kernel counts and times)
//     BENCH_DUMP=path (write the batches for the PyTorch reference and stop)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { classifierBatches } from '@nlpkit/rnn';
import { initBackend } from '@nlpkit/tensor';
import { adam, trainStep } from '@nlpkit/train';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../../');
const [backend = 'wasm', mode = 'speed', batchArg = '32', stepsArg = '10'] = process.argv.slice(2);
const B = Number(batchArg);
const STEPS = Number(stepsArg);
const impl = resolve(process.env.BENCH_IMPL ?? join(here, '../dist'));
const s2s = await import(pathToFileURL(join(impl, 'index.js')).href);

const recipePath = join(root, process.env.BENCH_RECIPE ?? 'recipes/multi30k-de-en.json');
const recipe = s2s.parseSeq2seqRecipe(JSON.parse(readFileSync(recipePath, 'utf8')));
const data = process.env.NLPKIT_SHARED_DATA ?? join(root, '../shared/data');
const file = (p, lang) => {
  const rel = p.replace(/^(\.\.\/)+shared\/data\//, '');
  const path = join(data, `${rel}.${lang}`);
  if (!existsSync(path)) throw new Error(`${path} not found (NLPKIT_SHARED_DATA)`);
  return readFileSync(path, 'utf8');
};
const { sourceLanguage: sl, targetLanguage: tl } = recipe.data;
const corpus = s2s.parseParallelText(file(recipe.data.train, sl), file(recipe.data.train, tl));
const vocabularies = s2s.buildSeq2seqVocabularies(corpus, { ...(recipe.vocabulary ?? {}) });
const t = recipe.training;
const pairs = s2s.encodeParallel(corpus, vocabularies, t.maxLength !== undefined ? { maxLength: t.maxLength } : {});
const config = s2s.seq2seqRecipeConfig(recipe, vocabularies.source.size, vocabularies.target.size);

await initBackend({ only: backend });
const lengths = pairs.map((p) => Math.max(p.source.length, p.target.length + 1));
const epoch = classifierBatches(lengths, { batchSize: B, seed: t.seed, epoch: 0, bucketBatches: t.bucketBatches ?? 50 });
const cells = (batch) => {
  const b = s2s.seq2seqBatch(batch.map((i) => pairs[i]));
  return b.size * b.targetWidth * b.sourceWidth;
};
const bySize = [...epoch].sort((a, b) => cells(b) - cells(a));
let batches;
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
if (mode === 'speed') batches = epoch.slice(0, STEPS + WARMUP);
else if (mode === 'longest') batches = bySize.slice(0, STEPS);
else if (mode === 'epoch') {
  const longest = new Set(bySize.slice(0, 10));
  batches = [...bySize.slice(0, 10), ...epoch.filter((x) => !longest.has(x))].slice(0, STEPS);
} else throw new Error(`mode ${mode}: speed, longest or epoch`);

// BENCH_DUMP=path: write the config, the training settings and these batches for the PyTorch reference
// (bench/seq2seq_train_torch.py) and stop.
if (process.env.BENCH_DUMP !== undefined && process.env.BENCH_DUMP !== '') {
  const o = recipe.training.optimizer ?? {};
  const dump = {
    config, lr: recipe.training.lr?.lr ?? 1e-3, beta1: o.beta1 ?? 0.9, beta2: o.beta2 ?? 0.999, epsilon: o.epsilon ?? 1e-8,
    clipNorm: t.clipNorm, labelSmoothing: t.labelSmoothing ?? 0, warmup: mode === 'speed' ? WARMUP : 0,
    batches: batches.map((indices) => {
      const b = s2s.seq2seqBatch(indices.map((i) => pairs[i]));
      return { ...b, sourceIds: [...b.sourceIds], targetInputs: [...b.targetInputs], targetOutputs: [...b.targetOutputs] };
    }),
  };
  writeFileSync(process.env.BENCH_DUMP, JSON.stringify(dump));
  process.exit(0);
}
const rng = createRng(t.seed);
const params = Object.fromEntries(Object.entries(s2s.initSeq2seq(config, rng)).map(([k, v]) => [k, tf.variable(v, true, `p.${k}`)]));
const optimizer = adam();
const lr = recipe.training.lr?.lr ?? 1e-3;
const heap = () => {
  const w = tf.backend().wasm;
  return w === undefined ? 0 : (w.HEAPU8?.buffer.byteLength ?? w.wasmMemory?.buffer.byteLength ?? 0);
};
const rssMax = () => process.resourceUsage().maxRSS * 1024;
const steps = [];
let peakBytes = 0;
let profiled;
const t0all = performance.now();
for (const indices of batches) {
  const batch = s2s.seq2seqBatch(indices.map((i) => pairs[i]));
  const run = () => {
    const r = trainStep(params, () => s2s.seq2seqLoss(config, params, batch, { labelSmoothing: t.labelSmoothing ?? 0, training: true, rng }), optimizer, lr, t.clipNorm === undefined ? {} : { maxNorm: t.clipNorm });
    return r;
  };
  const t0 = performance.now();
  let r;
  let stepPeak;
  if (mode === 'longest' || process.env.BENCH_PROFILE === '1') {
    const before = tf.memory().numBytes;
    const info = await tf.profile(() => {
      r = run();
      return [];
    });
    stepPeak = info.peakBytes;
    peakBytes = Math.max(peakBytes, info.peakBytes);
    if (process.env.BENCH_PROFILE === '1' && profiled === undefined) {
      const byName = {};
      for (const kr of info.kernels) {
        const e = (byName[kr.name] ??= { count: 0, ms: 0, bytes: 0 });
        e.count += 1;
        e.ms += typeof kr.kernelTimeMs === 'number' ? kr.kernelTimeMs : 0;
        e.bytes += kr.bytesAdded;
      }
      let peakAt = 0;
      info.kernels.forEach((kr, i) => { if (kr.totalBytesSnapshot > info.kernels[peakAt].totalBytesSnapshot) peakAt = i; });
      const top = Object.entries(byName).sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 12);
      const topMs = Object.entries(byName).sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
      const shapes = {};
      for (const kr of info.kernels.filter((k) => k.name === process.env.BENCH_KERNEL)) {
        const key = JSON.stringify(kr.inputShapes);
        const e = (shapes[key] ??= { count: 0, ms: 0 });
        e.count += 1;
        e.ms += typeof kr.kernelTimeMs === 'number' ? kr.kernelTimeMs : 0;
      }
      const byShape = Object.entries(shapes).sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
      profiled = { kernels: info.kernels.length, before, peakAt, peakKernel: info.kernels[peakAt].name, top, topMs, byShape };
    }
  } else r = run();
  const values = await r.read();
  const ms = performance.now() - t0;
  steps.push({ ms, tokens: batch.tokens, B: batch.size, S: batch.sourceWidth, T: batch.targetWidth, loss: values.loss, stepPeak, heap: heap(), rss: process.memoryUsage().rss });
  if (process.env.BENCH_VERBOSE === '1') console.error(JSON.stringify(steps.at(-1)));
}
const timed = mode === 'speed' ? steps.slice(WARMUP) : steps;
const seconds = timed.reduce((a, s) => a + s.ms, 0) / 1000;
const tokens = timed.reduce((a, s) => a + s.tokens, 0);
console.log(
  JSON.stringify({
    backend,
    mode,
    batchSize: B,
    impl,
    vocabularies: [vocabularies.source.size, vocabularies.target.size],
    steps: timed.length,
    seconds,
    tokens,
    tokensPerSecond: tokens / seconds,
    longest: steps.reduce((a, s) => (s.S * s.T > a.S * a.T ? s : a), steps[0]),
    peakTfBytes: peakBytes || undefined,
    wasmHeapBytes: heap(),
    peakRssBytes: rssMax(),
    numTensors: tf.memory().numTensors,
    wallSeconds: (performance.now() - t0all) / 1000,
    losses: steps.map((s) => Number(s.loss.toFixed(4))),
    ...(profiled !== undefined ? { profile: profiled } : {}),
  }),
);
