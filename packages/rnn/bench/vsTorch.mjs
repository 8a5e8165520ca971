// The WikiANN BiLSTM-CRF tagger and the SST-2 BiLSTM-max classifier, training and prediction, side by side with
// PyTorch (prediction: the dev split after the training steps, a warm-up pass then the median of three): each
// implementation a fresh process per round, rounds interleaved, PyTorch with OPENBLAS_NUM_THREADS=1 and
// torch.set_num_threads(2) (the issue's configuration), under /usr/bin/python3. The classifier's two sides train on
// the very same batches (classifierChild.mjs --dump writes them, sst2_torch.py reads them); the tagger's draw theirs
// the same way from their own seeded shuffles.
// Usage (after the build; needs ../shared/data): node bench/vsTorch.mjs [--rounds 3] [--models tagger,classifier]
//        [--steps-tagger 300] [--steps-classifier 200] [--out ../../bench/results/rnn-vs-torch.json]
// Prints a markdown table; writes every run and the medians as JSON.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, runJsonChild, writeFileAtomic } from './lmData.mjs';

const here = fileURLToPath(new URL('./', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const rounds = Number(arg('rounds', '3'));
const models = arg('models', 'tagger,classifier').split(',');
const stepsTagger = arg('steps-tagger', '300');
const stepsClassifier = arg('steps-classifier', '200');
const out = resolve(arg('out', join(here, '../../../bench/results/rnn-vs-torch.json')));
const python = process.env.PYTHON ?? '/usr/bin/python3';
const torchEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
const temp = mkdtempSync(join(tmpdir(), 'nlpkit-vs-torch-'));
const batchesFile = join(temp, 'sst2-batches.json');

const sides = {
  tagger: {
    label: 'WikiANN BiLSTM-CRF tagger (recipes/wikiann-bilstm-crf.json: char BiLSTM 25+25, word BiLSTM 100, CRF; batch 16, Adam, clip 5, dropout 0.5)',
    nlpkit: () => runJsonChild(process.execPath, [join(here, 'taggerChild.mjs'), '--task', 'wikiann', '--impl', 'new', '--steps', stepsTagger, '--warmup', '3', '--eval'], { cwd: here }),
    torch: () => runJsonChild(python, [join(here, 'wikiann_torch.py'), '--time-steps', stepsTagger, '--threads', '2', '--time-eval'], { cwd: here, env: torchEnv }),
    evalLabel: 'WikiANN tagger prediction (dev, 10,000 sentences, batches of 64, Viterbi)',
  },
  classifier: {
    label: 'SST-2 BiLSTM-max classifier (recipes/sst2-bilstm-max.json: 300-d embeddings, BiLSTM 150, max pooling; batch 64, Adam, clip 5, dropout 0.5)',
    nlpkit: (first) => runJsonChild(process.execPath, [join(here, 'classifierChild.mjs'), '--steps', stepsClassifier, '--warmup', '3', '--eval', ...(first ? ['--dump', batchesFile] : [])], { cwd: here }),
    torch: () => runJsonChild(python, [join(here, 'sst2_torch.py'), '--batches', batchesFile, '--time-steps', stepsClassifier, '--threads', '2', '--eval'], { cwd: here, env: torchEnv }),
    evalLabel: 'SST-2 classifier prediction (dev, 872 sentences, batches of 256, class probabilities)',
  },
};

const runs = [];
const started = performance.now();
try {
  for (let round = 0; round < rounds; round += 1) {
    for (const model of models) {
      // nlpkit first in round 0 (it writes the classifier's batches), then the order alternates.
      const order = round % 2 === 0 ? ['nlpkit', 'torch'] : ['torch', 'nlpkit'];
      for (const impl of order) {
        const load = loadavg()[0];
        const r = sides[model][impl](round === 0);
        runs.push({ ...r, model, impl, round, load });
        process.stderr.write(`round ${round + 1}/${rounds} ${model} ${impl}: ${r.error ?? `train ${Math.round(r.tokensPerSecond)} tok/s, predict ${Math.round(r.eval?.tokensPerSecond)} tok/s`}\n`);
      }
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}

const rows = models.flatMap((model) =>
  [['train', sides[model].label, (r) => r.tokensPerSecond], ['predict', sides[model].evalLabel, (r) => r.eval?.tokensPerSecond]].map(([what, label, metric]) => {
    const of = (impl) => runs.filter((r) => r.model === model && r.impl === impl && r.error === undefined).map(metric).filter((x) => typeof x === 'number');
    const [ours, theirs] = [of('nlpkit'), of('torch')];
    return { model, what, label, nlpkit: ours, torch: theirs, ratio: median(ours) / median(theirs) };
  }),
);
const torchRun = runs.find((r) => r.impl === 'torch' && r.error === undefined);
const result = { date: new Date().toISOString(), cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, torch: torchRun?.torch, blas: torchRun?.blas, rounds, wallSeconds: (performance.now() - started) / 1000, rows, runs };
mkdirSync(dirname(out), { recursive: true });
writeFileAtomic(out, `${JSON.stringify(result, null, 1)}\n`);
const int = (x) => Math.round(x).toLocaleString('en-US');
console.log('| model, what is timed | nlpkit tok/s (per round) | PyTorch tok/s (per round) | median ÷ median |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.label} | ${int(median(r.nlpkit))} (${r.nlpkit.map(int).join(', ')}) | ${int(median(r.torch))} (${r.torch.map(int).join(', ')}) | **${r.ratio.toFixed(2)}×** |`);
console.log(`\nJSON: ${out}`);
