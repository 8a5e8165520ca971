import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  UNK,
  createRng,
  type Rng,
  evaluatePerplexity,
  generate,
  interpolateModels,
  topK,
  tuneInterpolationWeights,
  type LanguageModel,
} from '@nlpkit/core';
import { writeFileAtomic } from '@nlpkit/core/node';
import { estimateKneserNey, type BackoffLanguageModel } from '@nlpkit/ngram';
import { writeArpaFile, writeBinaryModelFile } from '@nlpkit/ngram/node';
import { CLI_PACKAGE, messageOf } from '../../cliErrors.js';
import type { Progress } from '../../progress.js';
import { readBrownSplits, type BrownSplits, type Sentence } from './brownSplits.js';
import { trainNeuralModels, type NeuralDemoResult, type SavedFile } from './neuralModels.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** A fifth of the corpus and a short neural budget: about 30 seconds in all (what the tests run). */
  readonly quick: boolean;
  /** Folder the models are saved in (created when missing). */
  readonly out: string;
  /** Words whose next-word distribution is shown. */
  readonly prompt: readonly string[];
  readonly seed: number;
  /** How many next words to show. */
  readonly top: number;
  /** How many sentences to generate. */
  readonly sentences: number;
  readonly vocabularySize: number;
  /** Training budget of the LSTM in seconds; 0 leaves the neural rows out. */
  readonly lstmSeconds: number;
  readonly progress: Progress;
}

/** Sentences, words and `</s>`-inclusive tokens of one part of the corpus. */
export interface PartSize {
  readonly sentences: number;
  readonly words: number;
}

/** One row of the perplexity table. */
export interface DemoRow {
  readonly model: string;
  /** e.g. `order 5, 2,479,000 n-grams` or `1×256 LSTM` or `λ(LSTM) = 0.43`. */
  readonly detail: string;
  readonly validPerplexity: number;
  readonly testPerplexity: number;
  /** Seconds to train (0 for an interpolation). */
  readonly seconds: number;
  /** For an interpolated row: the weight of each model, by name. */
  readonly weights?: Readonly<Record<string, number>>;
}

/** A next-word candidate. */
export interface NextWord {
  readonly word: string;
  readonly probability: number;
}

/** Everything the demo found and made; `nlpkit demo --json` prints it and it is saved as `results.json`. */
export interface DemoResult {
  readonly quick: boolean;
  readonly corpus: {
    readonly name: 'brown';
    readonly files: number;
    readonly train: PartSize;
    readonly valid: PartSize;
    readonly test: PartSize;
    readonly vocabulary: number;
    readonly testUnknownRate: number;
  };
  readonly rows: readonly DemoRow[];
  /** Why some rows are missing (the neural ones), if they are. */
  readonly notes: readonly string[];
  readonly prompt: readonly string[];
  /** Next-word distributions after the prompt, by model name (KN5 first). */
  readonly next: Readonly<Record<string, readonly NextWord[]>>;
  /** Sentences sampled from KN5 (seeded). */
  readonly generated: readonly string[];
  readonly seed: number;
  readonly saved: readonly SavedFile[];
  readonly seconds: number;
}

/** Temperature of the sampled sentences: a little sharper than the model, for more readable text. */
export const SAMPLING_TEMPERATURE = 0.8;

/** The Kneser-Ney orders of the table. */
export const KN_ORDERS = [2, 3, 4, 5] as const;

const sizeOf = (part: readonly Sentence[]): PartSize => ({ sentences: part.length, words: part.reduce((n, s) => n + s.length, 0) });

async function saved(what: string, path: string): Promise<SavedFile> {
  return { what, path, bytes: (await stat(path)).size };
}

function nextWords(model: LanguageModel, prompt: readonly string[], k: number): NextWord[] {
  return topK(model, prompt, k).map((t) => ({ word: t.token, probability: 10 ** t.log10Prob }));
}

/**
 * The neural rows, or a note saying why there are none: a failure of the tensor side (no backend starts, out of
 * memory) leaves the n-gram half of the demo standing, with the reason under the table.
 */
async function neuralRows(options: DemoOptions, splits: BrownSplits, out: string): Promise<NeuralDemoResult> {
  try {
    return await trainNeuralModels({ splits, budgetSeconds: options.lstmSeconds, seed: options.seed, out, progress: options.progress });
  } catch (error) {
    return { models: [], note: `LSTM: not trained, ${messageOf(error)}` };
  }
}

/** Minimum words of a sampled sentence shown (Brown has many one-word "sentences": headings, `;`, quotes). */
const MIN_SAMPLE_WORDS = 6;

/** A sentence sampled from `model` with at least {@link MIN_SAMPLE_WORDS} words (the longest of 20 tries otherwise). */
function sample(model: LanguageModel, rng: Rng): string[] {
  let best: string[] = [];
  for (let attempt = 0; attempt < 20 && best.length < MIN_SAMPLE_WORDS; attempt++) {
    const words = generate(model, { rng, temperature: SAMPLING_TEMPERATURE, maxTokens: 40 });
    if (words.length > best.length) best = words;
  }
  return best;
}

/**
 * The demo: reads the Brown corpus, trains modified Kneser-Ney LMs of orders 2–5 (KenLM-identical, `@nlpkit/ngram`)
 * and the neural models of {@link trainNeuralModels}, evaluates them on held-out files, interpolates each neural
 * model with KN5, shows next-word distributions and sampled sentences, and saves the models under `out`.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const { progress } = options;
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });

  progress.stage('reading the Brown corpus', options.quick ? 100 : 500);
  const splits = await readBrownSplits({
    stride: options.quick ? 5 : 1,
    vocabularySize: options.vocabularySize,
    onFile: (done) => progress.update(done),
  });
  const prompt = options.prompt.map((word) => (splits.vocabulary.has(word) ? word : UNK));

  const rows: DemoRow[] = [];
  const models = new Map<string, LanguageModel>();
  const knModels: BackoffLanguageModel[] = [];
  progress.stage('training Kneser-Ney LMs', KN_ORDERS.length * 2);
  for (const [i, order] of KN_ORDERS.entries()) {
    const t0 = performance.now();
    const { model } = estimateKneserNey(splits.train, { order });
    const seconds = (performance.now() - t0) / 1000;
    progress.update(2 * i + 1);
    const name = `KN${order}`;
    rows.push({
      model: name,
      detail: `${model.counts.reduce((a, b) => a + b, 0).toLocaleString('en-US')} n-grams`,
      validPerplexity: evaluatePerplexity(model, splits.valid).perplexity,
      testPerplexity: evaluatePerplexity(model, splits.test).perplexity,
      seconds,
    });
    models.set(name, model);
    knModels.push(model);
    progress.update(2 * i + 2);
  }
  const kn5 = knModels.at(-1)!;

  const next: Record<string, NextWord[]> = {};
  const neural = options.lstmSeconds > 0 ? await neuralRows(options, splits, out) : { models: [], note: 'LSTM: not trained (--lstm-seconds 0)' };
  const notes = neural.note === undefined ? [] : [neural.note];
  try {
    for (const { name, model, detail, seconds } of neural.models) {
      progress.stage(`evaluating ${name} and ${name}+KN5`, 3);
      rows.push({ model: name, detail, validPerplexity: evaluatePerplexity(model, splits.valid).perplexity, testPerplexity: evaluatePerplexity(model, splits.test).perplexity, seconds });
      models.set(name, model);
      progress.update(1);
      const fit = tuneInterpolationWeights([model, kn5], splits.valid);
      progress.update(2);
      const mixed = interpolateModels([model, kn5], fit.weights);
      const mixedName = `${name}+KN5`;
      rows.push({
        model: mixedName,
        detail: `λ(${name}) = ${fit.weights[0]!.toFixed(2)}, tuned on valid`,
        validPerplexity: fit.perplexity,
        testPerplexity: evaluatePerplexity(mixed, splits.test).perplexity,
        seconds: 0,
        weights: { [name]: fit.weights[0]!, KN5: fit.weights[1]! },
      });
      models.set(mixedName, mixed);
    }
    for (const name of ['KN5', ...neural.models.flatMap((m) => [m.name, `${m.name}+KN5`])]) next[name] = nextWords(models.get(name)!, prompt, options.top);
  } finally {
    for (const m of neural.models) m.dispose();
  }
  const rng = createRng(options.seed);
  const generated = Array.from({ length: options.sentences }, () => sample(kn5, rng).join(' '));

  progress.stage('saving KN5', 3);
  const arpa = join(out, 'kn5.arpa');
  const binary = join(out, 'kn5.bin');
  const vocabulary = join(out, 'vocabulary.json');
  await writeArpaFile(kn5, arpa);
  progress.update(1);
  await writeBinaryModelFile(kn5, binary);
  progress.update(2);
  await writeFileAtomic(vocabulary, `${JSON.stringify(splits.vocabulary.toJSON())}\n`, { package: CLI_PACKAGE });
  progress.done();

  const files = [
    await saved('KN5 (ARPA; nlpkit ngram eval|query|generate --model)', arpa),
    await saved('KN5 (binary, fast to load)', binary),
    await saved('vocabulary (core Vocabulary JSON)', vocabulary),
    ...(await Promise.all(neural.models.flatMap((m) => m.saved).map((file) => saved(file.what, file.path)))),
  ];
  const testWords = sizeOf(splits.test).words;
  const result: DemoResult = {
    quick: options.quick,
    corpus: {
      name: 'brown',
      files: splits.files,
      train: sizeOf(splits.train),
      valid: sizeOf(splits.valid),
      test: sizeOf(splits.test),
      vocabulary: splits.vocabulary.size,
      testUnknownRate: splits.test.reduce((n, s) => n + s.filter((w) => w === UNK).length, 0) / Math.max(1, testWords),
    },
    rows,
    notes,
    prompt,
    next,
    generated,
    seed: options.seed,
    saved: files,
    seconds: (performance.now() - started) / 1000,
  };
  const results = join(out, 'results.json');
  await writeFileAtomic(results, `${JSON.stringify(result, null, 2)}\n`, { package: CLI_PACKAGE });
  return { ...result, saved: [...files, await saved('these results (JSON)', results)] };
}
