// Decoding throughput of @nlpkit/seq2seq: sentences per second for greedy decoding and beam search (beam 5),
// batched (all sentences of a batch × beam rows in one decoder step), on Multi30k test_2016 German sources.
// The model is freshly initialised at the size of the Multi30k recipe (untrained: speed does not depend on the
// weights, but an untrained model seldom emits </s>, so outputs run to the maximum length — a worst case).
// Usage: pnpm bench (after the build)   env BENCH_BACKENDS=wasm,cpu  BENCH_QUICK=1  BENCH_RECIPE=recipes/x.json
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
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
for (const backend of backends) {
  await initBackend({ only: backend });
  results.backends[backend] = { greedy: await run('greedy', SENTENCES[backend]), beam5: await run('beam5', SENTENCES[backend]) };
  console.log(backend, results.backends[backend]);
}
results.machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, date: new Date().toISOString(), note: 'shared machine: other jobs ran at the same time, so absolute numbers are noisy' };

const fmt = (x, d = 1) => x.toLocaleString('en-US', { maximumFractionDigits: d });
const rows = [['backend', 'strategy', 'sentences', 'sentences/s', 'output tokens/s', 'mean output length']];
for (const [b, r] of Object.entries(results.backends)) {
  for (const [name, x] of [['greedy', r.greedy], ['beam 5', r.beam5]]) rows.push([b, name, String(x.sentences), fmt(x.sentencesPerSecond, 2), fmt(x.outputTokensPerSecond), fmt(x.meanOutputLength)]);
}
const md = [
  `Model: ${config.cell} ${config.encoderLayers}+${config.decoderLayers} layers, embedding ${config.embeddingSize}, hidden ${config.hiddenSize}${config.bidirectional ? ' (bidirectional encoder)' : ''}, ${config.attention} attention, vocabularies ${config.sourceVocabSize} de / ${config.targetVocabSize} en (Multi30k train, count ≥ 2); size from ${results.recipe}. **Untrained weights**: outputs run to the maximum length ${MAX_LENGTH.ratio}·|src| + ${MAX_LENGTH.offset}, so these are worst-case lengths. Batches of ${BATCH} sentences; beam search keeps all sentences × 5 rows in one decoder step.`,
  '',
  `| ${rows[0].join(' | ')} |`,
  `| ${rows[0].map(() => '---').join(' | ')} |`,
  ...rows.slice(1).map((r) => `| ${r.join(' | ')} |`),
  '',
  `Machine: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}, ${results.machine.date}. ${results.machine.note}.`,
  '',
].join('\n');
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/seq2seq-decode.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(root, 'bench/results/seq2seq-decode.md'), md);
console.log(md);
