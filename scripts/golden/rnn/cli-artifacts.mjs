#!/usr/bin/env node
// Tiny models trained by the CLI, and what they output in Node: the fixtures of rnn's "a model saved by the CLI
// loads in the browser and gives the same outputs as in Node" tests (cliArtifacts.test.ts in Node,
// cliArtifacts.browser.test.ts in Chromium).
//
// Needs: the workspace built (`pnpm turbo run build --filter=@nlpkit/cli...`). Run from anywhere:
//   node scripts/golden/rnn/cli-artifacts.mjs
// Trains, with `node apps/cli/dist/main.js lm|tag|classify train`, a recurrent LM on recipes/tiny, a BiLSTM-CRF
// tagger with character features on a toy CoNLL corpus and a DAN classifier on a toy TSV corpus (all seeded, tiny,
// float16 artifacts); then decodes each artifact with the built @nlpkit/rnn on the cpu backend and records its
// outputs (packages/rnn/test/cliArtifacts/artifactOutputs.mjs). Writes packages/rnn/test/fixtures/cli-artifacts/
// {lm,tagger,classifier}.safetensors and expected.json.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const out = join(root, 'packages/rnn/test/fixtures/cli-artifacts');
// A fixed folder (the recipes saved in the artifacts name their data files): regenerating gives the same bytes.
const dir = join(tmpdir(), 'nlpkit-cli-artifacts');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir);

/** A deterministic generator (LCG): the toy corpora do not depend on any package. */
function lcg(seed) {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

function toyConll(n, seed) {
  const next = lcg(seed);
  const pick = (xs) => xs[next(xs.length)];
  const PER = [['John'], ['Mary', 'Smith'], ['Ann'], ['Bob', 'Lee']];
  const LOC = [['Paris'], ['New', 'York'], ['Rome'], ['Oslo']];
  const ent = (ws, label) => ws.map((w, i) => `${w}\t${i === 0 ? 'B' : 'I'}-${label}`);
  const o = (...ws) => ws.map((w) => `${w}\tO`);
  const rows = Array.from({ length: n }, () => [...ent(pick(PER), 'PER'), ...o(...pick([['lives', 'in'], ['went', 'to']])), ...ent(pick(LOC), 'LOC'), ...o('.')].join('\n'));
  return `${rows.join('\n\n')}\n`;
}

function toyTsv(n, seed) {
  const next = lcg(seed);
  const POS = ['great', 'moving', 'funny'];
  const NEG = ['dull', 'awful', 'boring'];
  const FILL = ['the', 'film', 'a', 'plot', 'is', 'and', 'story'];
  const rows = ['sentence\tlabel'];
  for (let i = 0; i < n; i++) {
    const label = next(2);
    const words = Array.from({ length: 1 + next(5) }, () => FILL[next(FILL.length)]);
    words.splice(next(words.length + 1), 0, (label === 1 ? POS : NEG)[next(3)]);
    rows.push(`${words.join(' ')}\t${label}`);
  }
  return `${rows.join('\n')}\n`;
}

const recipes = {
  lm: {
    name: 'cli-artifact-lm',
    data: { train: 'train.txt', valid: 'valid.txt' },
    model: { embeddingSize: 8, hiddenSize: 8, layers: 1, cell: { type: 'lstm' }, tied: false, initScale: 0.1 },
    training: {
      seed: 1, batchSize: 4, bptt: 8, epochs: 1, loss: 'sumOverTime', optimizer: { type: 'sgd' }, lr: { schedule: 'constant', lr: 0.5 },
      clipNorm: 5, dropout: 0, evalBatchSize: 4, logEvery: 10,
    },
    artifact: { dtype: 'float16' },
  },
  tag: {
    name: 'cli-artifact-tagger',
    data: { train: 'train.conll', valid: 'dev.conll' },
    model: { encoder: 'bilstm', output: 'crf', wordEmbeddingSize: 6, hiddenSize: 6, scheme: 'IOB2', chars: { embeddingSize: 3, hiddenSize: 3 } },
    training: { seed: 1, epochs: 12, batchSize: 4, optimizer: { type: 'adam' }, lr: { schedule: 'constant', lr: 0.05 }, clipNorm: 5, dropout: 0, logEvery: 5 },
    artifact: { dtype: 'float16' },
  },
  classify: {
    name: 'cli-artifact-classifier',
    data: { train: 'train.tsv', valid: 'dev.tsv' },
    model: { kind: 'dan', embeddingSize: 8, hiddenSizes: [8], activation: 'relu', lowercase: true },
    training: { seed: 1, batchSize: 16, epochs: 3, optimizer: { type: 'adam' }, lr: { schedule: 'constant', lr: 0.02 }, clipNorm: 5, dropout: 0.1, wordDropout: 0.1, logEvery: 5 },
    artifact: { dtype: 'float16' },
  },
};

try {
  for (const name of ['train.txt', 'valid.txt']) copyFileSync(join(root, 'recipes/tiny', name), join(dir, name));
  writeFileSync(join(dir, 'train.conll'), toyConll(40, 1));
  writeFileSync(join(dir, 'dev.conll'), toyConll(10, 2));
  writeFileSync(join(dir, 'train.tsv'), toyTsv(200, 1));
  writeFileSync(join(dir, 'dev.tsv'), toyTsv(40, 2));
  const cli = join(root, 'apps/cli/dist/main.js');
  mkdirSync(out, { recursive: true });
  for (const [command, file] of [['lm', 'lm'], ['tag', 'tagger'], ['classify', 'classifier']]) {
    const recipe = join(dir, `${command}.json`);
    writeFileSync(recipe, JSON.stringify(recipes[command], null, 2));
    const run = join(dir, `${command}-run`);
    execFileSync(process.execPath, [cli, command, 'train', '--recipe', recipe, '--out', run, '--quiet'], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NLPKIT_BACKEND: 'cpu' } });
    copyFileSync(join(run, 'model.safetensors'), join(out, `${file}.safetensors`));
  }

  const { initBackend } = await import(join(root, 'packages/tensor/dist/index.js'));
  const rnn = await import(join(root, 'packages/rnn/dist/index.js'));
  const { artifactOutputs } = await import(join(root, 'packages/rnn/test/cliArtifacts/artifactOutputs.mjs'));
  await initBackend({ only: 'cpu' });
  const read = (name) => new Uint8Array(readFileSync(join(out, `${name}.safetensors`)));
  const expected = await artifactOutputs(rnn, { lm: read('lm'), tagger: read('tagger'), classifier: read('classifier') });
  writeFileSync(join(out, 'expected.json'), `${JSON.stringify({ generator: 'scripts/golden/rnn/cli-artifacts.mjs', backend: 'cpu', ...expected })}\n`);
  console.log(`wrote ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
