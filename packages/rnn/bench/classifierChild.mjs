// One timed run of text-classifier training steps: recipes/sst2-bilstm-max.json (embeddings 300, BiLSTM 150 per
// direction, max over the valid steps, dropout 0.5, Adam 1e-3, clip 5, batch 64 in length buckets) on SST-2's
// training sentences, as `nlpkit classify train` builds them. Side by side with bench/sst2_torch.py, which trains
// the same model in PyTorch on the very batches this writes with --dump (bench/classifier.mjs runs both).
// Usage: node bench/classifierChild.mjs [--steps 200] [--warmup 3] [--backend wasm|cpu] [--dump FILE] [--eval]
// Prints one JSON line: tokens/s (wall and per CPU-second), ms per step, the losses; with --eval also the
// prediction over SST-2's dev sentences after the steps (class probabilities, the recipe's evalBatchSize, in order;
// a warm-up pass, then the median of three).
import { writeFile, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { buildVocabulary, createRng } from '@nlpkit/core';
import { initBackend } from '@nlpkit/tensor';
import { adam, crossEntropy, flattenParams, trainStep } from '@nlpkit/train';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const steps = Number(arg('steps', '200'));
const warmup = Number(arg('warmup', '3'));
const dump = arg('dump', undefined);
const evaluate = process.argv.includes('--eval');
const rnn = await import(new URL('../dist/index.js', import.meta.url).href);

const recipe = rnn.parseTextClassifierRecipe(JSON.parse(await readFile(join(root, 'recipes', 'sst2-bilstm-max.json'), 'utf8')));
const t = recipe.training;
const data = rnn.parseClassificationTsv(await readFile(join(root, '../shared/data/sst2/train.tsv'), 'utf8'), 'train.tsv');
const tokens = (text) => rnn.classifierTokens(recipe.model, text);
const vocabulary = buildVocabulary(data.texts.map(tokens), { ...(recipe.vocabulary ?? {}) });
const labels = rnn.labelList(data.labels);
const config = rnn.classifierConfigOf(recipe, vocabulary.size, labels.length);
const train = rnn.encodeClassificationExamples(data, vocabulary, labels, tokens, 'train.tsv');
const dev = rnn.encodeClassificationExamples(rnn.parseClassificationTsv(await readFile(join(root, '../shared/data/sst2/dev.tsv'), 'utf8'), 'dev.tsv'), vocabulary, labels, tokens, 'dev.tsv');
const evalBatch = t.evalBatchSize ?? 256;
// The first epoch's batches as training draws them (seeded shuffle, pools of bucketBatches batches sorted by length).
const batches = rnn
  .classifierBatches(train.ids.map((r) => r.length), { batchSize: t.batchSize, seed: t.seed, epoch: 0, bucketBatches: t.bucketBatches ?? 50 })
  .slice(0, warmup + steps);
if (dump !== undefined) {
  await writeFile(dump, JSON.stringify({
    vocabSize: config.vocabSize, numLabels: config.numLabels, embeddingSize: config.embeddingSize, hiddenSize: config.hiddenSize,
    dropout: t.dropout, lr: 1e-3, clipNorm: t.clipNorm, embeddingScale: t.embeddingScale ?? 0.1,
    batches: batches.map((b) => ({ ids: b.map((i) => train.ids[i]), labels: b.map((i) => train.labels[i]) })),
    evalBatchSize: evalBatch,
    dev: dev.ids,
  }));
}

await initBackend({ only: arg('backend', 'wasm') });
const rng = createRng(t.seed);
const init = rnn.initTextClassifier(config, rng, t.embeddingScale ?? 0.1);
const vars = Object.fromEntries(Object.entries(flattenParams(init)).map(([k, v]) => [k, tf.variable(v, true, k)]));
const optimizer = adam();
const losses = [];
const step = (k) => {
  const rows = batches[k].map((i) => train.ids[i]);
  const T = Math.max(...rows.map((r) => r.length));
  const ids = rows.map((r) => [...r, ...new Array(T - r.length).fill(0)]);
  const lengths = rows.map((r) => r.length);
  const y = tf.tensor1d(batches[k].map((i) => train.labels[i]), 'int32');
  const r = trainStep(vars, () => crossEntropy(rnn.textClassifierLogits(config, vars, ids, lengths, { training: true, dropout: t.dropout, rng }), y), optimizer, 1e-3, { maxNorm: t.clipNorm });
  losses.push(r.loss.dataSync()[0]);
  r.dispose();
  y.dispose();
  return lengths.reduce((a, b) => a + b, 0);
};
for (let k = 0; k < warmup; k++) step(k);
const tensorsBefore = tf.memory().numTensors;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let count = 0;
for (let k = 0; k < steps; k++) count += step(warmup + k);
const wall = (performance.now() - t0) / 1000;
const use = process.cpuUsage(cpu0);
const cpu = (use.user + use.system) / 1e6;
let evalResult;
if (evaluate) {
  // One pass as a warm-up, then three timed: the median pass.
  let probs;
  const passes = [];
  for (let pass = 0; pass < 4; pass++) {
    const e0 = performance.now();
    probs = await rnn.predictTextClassifier(config, vars, dev.ids, evalBatch);
    if (pass > 0) passes.push((performance.now() - e0) / 1000);
  }
  const seconds = passes.sort((a, b) => a - b)[1];
  const n = dev.ids.reduce((a, r) => a + r.length, 0);
  const correct = probs.filter((p, i) => (p[1] > p[0] ? 1 : 0) === dev.labels[i]).length;
  evalResult = { sentences: dev.ids.length, tokens: n, passes, seconds, tokensPerSecond: n / seconds, batchSize: evalBatch, accuracy: correct / dev.ids.length };
}
process.stdout.write(`${JSON.stringify({
  impl: 'nlpkit', backend: tf.getBackend(), vocabSize: config.vocabSize, batchSize: t.batchSize, dropout: t.dropout, steps, tokens: count,
  wallSeconds: wall, cpuSeconds: cpu, tokensPerSecond: count / wall, tokensPerCpuSecond: count / cpu, msPerStep: (wall * 1000) / steps,
  tensorLeak: tf.memory().numTensors - tensorsBefore, losses, load: (await import('node:os')).loadavg()[0],
  ...(evalResult ? { eval: evalResult } : {}),
})}\n`);
