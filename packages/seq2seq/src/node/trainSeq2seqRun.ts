import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tokenText, vocabularyFromJSON } from '@nlpkit/core';
import { writeFileAtomic } from '@nlpkit/core/node';
import { checkpointLoop, curveWriter, pathExists, readRunText, resumeRunFolder, runFolderCallbacks, runFolderRecipe } from '@nlpkit/rnn/node';
import { readCheckpointFile } from '@nlpkit/train/node';
import { buildSeq2seqVocabularies, encodeParallel, parseParallelText, type ParallelCorpus, type Seq2seqVocabularies } from '../data/parallelCorpus.js';
import { PKG, Seq2seqOptionError } from '../errors.js';
import type { Seq2seqParams } from '../model/initSeq2seq.js';
import { parseSeq2seqRecipe, seq2seqRecipeConfig, seq2seqRecipeTraining, type Seq2seqRecipe } from '../recipe/seq2seqRecipe.js';
import { evaluateSeq2seq, greedyBleu } from '../train/evaluateSeq2seq.js';
import { trainSeq2seq, type TrainSeq2seqEvent } from '../train/trainSeq2seq.js';
import { writeSeq2seqFile } from './seq2seqFile.js';

/** The files of a seq2seq run folder. */
export const SEQ2SEQ_RUN_FILES = {
  recipe: 'recipe.json',
  vocabularies: 'vocabularies.json',
  checkpoint: 'checkpoint.safetensors',
  curve: 'curve.jsonl',
  model: 'model.safetensors',
  result: 'result.json',
} as const;

/** Options of {@link trainSeq2seqRun}. */
export interface TrainSeq2seqRunOptions {
  /** The run folder: created when absent; resumed from when it holds a checkpoint. */
  readonly out: string;
  /** The recipe (parsed JSON). Left out: the one saved in `out` (resuming). Given for a folder holding one, both must be the same. */
  readonly recipe?: unknown;
  /** Where relative data paths of `recipe` are read from (the recipe file's folder). Default: the working folder. */
  readonly recipeDir?: string;
  /** Progress: the trainer's events, and `'resume'` when a run continues from its checkpoint. */
  readonly onEvent?: (event: TrainSeq2seqEvent | { readonly type: 'resume'; readonly step: number; readonly epoch: number }) => void;
  /** Stops between steps; the checkpoint is saved first, so the next call continues exactly there. */
  readonly signal?: AbortSignal;
}

/** What a run folder says once training has stopped. */
export interface Seq2seqRunResult {
  readonly stopped: 'completed' | 'aborted' | 'early-stopped';
  readonly resumed: boolean;
  readonly step: number;
  readonly epoch: number;
  readonly validLoss?: number;
  readonly validBleu?: number;
  /** Greedy BLEU on `recipe.data.test` (tokenize `'none'`). */
  readonly testBleu?: number;
  readonly testLoss?: number;
  /** Seconds of training over every run of this folder. */
  readonly seconds: number;
  readonly tokens: number;
  /** The artifact written (`encodeSeq2seq`), loadable by `readSeq2seqFile`. */
  readonly modelPath: string;
}

async function readParallel(recipe: Seq2seqRecipe, prefix: string, argument: string): Promise<ParallelCorpus> {
  const { sourceLanguage: s, targetLanguage: t } = recipe.data;
  return parseParallelText(await readRunText(`${prefix}.${s}`, argument, PKG), await readRunText(`${prefix}.${t}`, argument, PKG));
}

const textOf = (sentences: ParallelCorpus['target']): string[] => sentences.map((s) => s.map((token) => tokenText(token) ?? '').join(' '));

/**
 * Runs a recipe in a run folder, resumably, as `trainRecurrentLmRun` of `@nlpkit/rnn/node` does: `recipe.json` (data
 * paths absolute), `vocabularies.json` (built once from the training files), `checkpoint.safetensors` (written
 * atomically every `checkpointEvery` steps, after each epoch and on abort), `curve.jsonl` (one JSON line per training
 * window and per epoch), `model.safetensors` (the artifact, after each epoch and at the end) and `result.json`.
 * Called again on the same folder it continues from the checkpoint exactly; on a finished folder it returns the
 * saved result.
 */
export async function trainSeq2seqRun(options: TrainSeq2seqRunOptions): Promise<Seq2seqRunResult> {
  const out = options.out;
  if (typeof out !== 'string' || out === '') throw new Seq2seqOptionError({ argument: 'options.out', expected: 'a folder path', found: out });
  const file = (name: keyof typeof SEQ2SEQ_RUN_FILES): string => join(out, SEQ2SEQ_RUN_FILES[name]);
  await mkdir(out, { recursive: true });
  const recipe = await runFolderRecipe(out, options, parseSeq2seqRecipe, PKG);
  if (await pathExists(file('result'))) return JSON.parse(await readRunText(file('result'), 'options.out', PKG)) as Seq2seqRunResult;

  const trainCorpus = await readParallel(recipe, recipe.data.train, 'recipe.data.train');
  let vocabularies: Seq2seqVocabularies;
  if (await pathExists(file('vocabularies'))) {
    const json = JSON.parse(await readRunText(file('vocabularies'), 'options.out', PKG)) as { source: never; target: never };
    vocabularies = { source: vocabularyFromJSON(json.source), target: vocabularyFromJSON(json.target) };
  } else {
    vocabularies = buildSeq2seqVocabularies(trainCorpus, { ...(recipe.vocabulary ?? {}) });
    await writeFileAtomic(file('vocabularies'), JSON.stringify({ source: vocabularies.source.toJSON(), target: vocabularies.target.toJSON() }), { package: PKG });
  }
  const t = recipe.training;
  const train = encodeParallel(trainCorpus, vocabularies, t.maxLength !== undefined ? { maxLength: t.maxLength } : {});
  const validCorpus = recipe.data.valid === undefined ? undefined : await readParallel(recipe, recipe.data.valid, 'recipe.data.valid');
  const valid = validCorpus === undefined ? undefined : encodeParallel(validCorpus, vocabularies);
  const config = seq2seqRecipeConfig(recipe, vocabularies.source.size, vocabularies.target.size);

  const resumed = await resumeRunFolder(file('checkpoint'), file('curve'), PKG);
  if (resumed !== undefined) options.onEvent?.({ type: 'resume', step: resumed.loop.step, epoch: resumed.loop.epoch });

  const stepsPerEpoch = Math.ceil(train.length / t.batchSize);
  const writeModel = (params: Seq2seqParams, extra: Record<string, string>): Promise<void> =>
    writeSeq2seqFile(file('model'), { config, params, sourceVocabulary: vocabularies.source, targetVocabulary: vocabularies.target }, {
      dtype: recipe.artifact?.dtype ?? 'float32',
      meta: {
        recipe: JSON.stringify(recipe),
        tokenization: recipe.data.tokenization ?? 'none',
        sourceLanguage: recipe.data.sourceLanguage,
        targetLanguage: recipe.data.targetLanguage,
        ...extra,
      },
    });
  const { optimizer, lr } = seq2seqRecipeTraining(recipe);
  const curve = curveWriter(file('curve'));
  const evalBatchSize = t.evalBatchSize ?? 64;
  const result = await trainSeq2seq({
    config,
    train,
    ...(valid !== undefined ? { valid } : {}),
    seed: t.seed,
    batchSize: t.batchSize,
    epochs: t.epochs,
    optimizer,
    lr,
    ...(t.clipNorm !== undefined ? { clipNorm: t.clipNorm } : {}),
    ...(t.labelSmoothing !== undefined ? { labelSmoothing: t.labelSmoothing } : {}),
    ...(t.bucketBatches !== undefined ? { bucketBatches: t.bucketBatches } : {}),
    ...(t.patience !== undefined ? { patience: t.patience } : {}),
    evalBatchSize,
    ...(t.validBleu === true && validCorpus !== undefined ? { validBleu: { targetVocabulary: vocabularies.target, references: textOf(validCorpus.target) } } : {}),
    ...(t.logEvery !== undefined ? { logEvery: t.logEvery } : {}),
    ...(t.checkpointEvery !== undefined ? { checkpointEvery: t.checkpointEvery } : {}),
    ...(resumed !== undefined ? { resume: resumed.bytes } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    meta: { recipe: recipe.name },
    ...runFolderCallbacks({ checkpointPath: file('checkpoint'), curve, stepsPerEpoch, writeModel, ...(options.onEvent !== undefined ? { onEvent: options.onEvent } : {}) }),
  });
  try {
    await curve.done();
    await writeModel(result.params, { step: String(result.position.step) });
    const done = result.stopped !== 'aborted';
    let test: { loss: number; bleu: number } | undefined;
    if (done && recipe.data.test !== undefined) {
      const corpus = await readParallel(recipe, recipe.data.test, 'recipe.data.test');
      const pairs = encodeParallel(corpus, vocabularies);
      const model = { config, params: result.params };
      test = { loss: (await evaluateSeq2seq(model, pairs, evalBatchSize)).loss, bleu: await greedyBleu(model, pairs, vocabularies.target, textOf(corpus.target), { batchSize: evalBatchSize }) };
    }
    const loop = (await pathExists(file('checkpoint'))) ? checkpointLoop(await readCheckpointFile(file('checkpoint'))) : { seconds: 0, tokens: 0 };
    const summary: Seq2seqRunResult = {
      stopped: result.stopped,
      resumed: resumed !== undefined,
      step: result.position.step,
      epoch: result.position.epoch,
      ...(result.validLoss !== undefined ? { validLoss: result.validLoss } : {}),
      ...(result.validBleu !== undefined ? { validBleu: result.validBleu } : {}),
      ...(test !== undefined ? { testLoss: test.loss, testBleu: test.bleu } : {}),
      seconds: loop.seconds,
      tokens: loop.tokens,
      modelPath: file('model'),
    };
    if (done) await writeFileAtomic(file('result'), `${JSON.stringify(summary, null, 2)}\n`, { package: PKG });
    return summary;
  } finally {
    result.dispose();
  }
}
