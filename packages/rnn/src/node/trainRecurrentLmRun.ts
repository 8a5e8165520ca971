import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { buildVocabulary, vocabularyFromJSON, type Vocabulary } from '@nlpkit/core';
import { writeFileAtomic } from '@nlpkit/core/node';
import { readCheckpointFile } from '@nlpkit/train/node';
import { batchifyLmStream } from '../data/batchifyLmStream.js';
import { bpttSegmentCount } from '../data/bpttSegment.js';
import { lmStream, type LmStream } from '../data/lmStream.js';
import { PKG, RnnOptionError } from '../errors.js';
import { evaluateRecurrentLmStream } from '../models/evaluateRecurrentLmStream.js';
import type { RecurrentLmConfig } from '../models/recurrentLm.js';
import { parseRecurrentLmRecipe, recipeOptimizer, recipeSchedule } from '../models/recurrentLmRecipe.js';
import { trainRecurrentLm, type TrainLmEvent } from '../models/trainRecurrentLm.js';
import { writeRecurrentLmFile } from './recurrentLmFile.js';
import { checkpointLoop, curveWriter, definedOptions, pathExists, readRunText, resumeRunFolder, runFolderCallbacks, runFolderRecipe } from './runFolder.js';

/** The files of a run folder. */
export const RUN_FILES = {
  recipe: 'recipe.json',
  vocabulary: 'vocabulary.json',
  checkpoint: 'checkpoint.safetensors',
  curve: 'curve.jsonl',
  model: 'model.safetensors',
  result: 'result.json',
} as const;

/** Options of {@link trainRecurrentLmRun}. */
export interface TrainRecurrentLmRunOptions {
  /** The run folder: created when absent; resumed from when it holds a checkpoint. */
  readonly out: string;
  /**
   * The recipe (parsed JSON). Left out: the one saved in `out` (resuming). Given for a folder that already holds
   * one, both must be the same.
   */
  readonly recipe?: unknown;
  /** Where relative data paths of `recipe` are read from (the recipe file's folder). Default: the working folder. */
  readonly recipeDir?: string;
  /** Progress: the trainer's events, and `'resume'` when a run continues from its checkpoint. */
  readonly onEvent?: (event: TrainLmEvent | { readonly type: 'resume'; readonly step: number; readonly epoch: number }) => void;
  /** Stops between steps; the checkpoint is saved first, so the next call continues exactly there. */
  readonly signal?: AbortSignal;
}

/** What a run folder says once training has stopped. */
export interface RecurrentLmRunResult {
  readonly stopped: 'completed' | 'aborted' | 'early-stopped';
  readonly resumed: boolean;
  readonly step: number;
  readonly epoch: number;
  readonly validPerplexity?: number;
  readonly testPerplexity?: number;
  /** Seconds of training over every run of this folder. */
  readonly seconds: number;
  readonly tokens: number;
  /** The artifact written (`encodeRecurrentLm`), loadable by `readRecurrentLmFile`. */
  readonly modelPath: string;
}

/** One sentence per line, tokens split on whitespace, blank lines skipped — what `nlpkit ngram` reads. */
function sentencesOf(text: string): string[][] {
  const out: string[][] = [];
  for (const line of text.split('\n')) {
    const tokens = line.trim().split(/\s+/).filter((t) => t !== '');
    if (tokens.length > 0) out.push(tokens);
  }
  return out;
}

/**
 * Runs a recipe in a run folder, resumably: `recipe.json` (the recipe, data paths absolute), `vocabulary.json`
 * (built once from the training file), `checkpoint.safetensors` (written atomically every `checkpointEvery` steps,
 * after each epoch and on abort), `curve.jsonl` (one JSON line per training window and per epoch: the training
 * curve), `model.safetensors` (the artifact, after each epoch and at the end) and `result.json` (final
 * perplexities, time). Called again on the same folder it continues from the checkpoint — after a crash, an abort or
 * SIGKILL — exactly as if it had not stopped; called on a finished folder it returns the saved result.
 */
export async function trainRecurrentLmRun(options: TrainRecurrentLmRunOptions): Promise<RecurrentLmRunResult> {
  const out = options.out;
  if (typeof out !== 'string' || out === '') throw new RnnOptionError({ argument: 'options.out', expected: 'a folder path', found: out });
  const file = (name: keyof typeof RUN_FILES): string => join(out, RUN_FILES[name]);
  await mkdir(out, { recursive: true });
  const recipe = await runFolderRecipe(out, options, parseRecurrentLmRecipe);
  if (await pathExists(file('result'))) return JSON.parse(await readRunText(file('result'), 'options.out')) as RecurrentLmRunResult;

  const trainText = await readRunText(recipe.data.train, 'recipe.data.train');
  const trainSentences = sentencesOf(trainText);
  let vocabulary: Vocabulary;
  if (await pathExists(file('vocabulary'))) vocabulary = vocabularyFromJSON(await readRunText(file('vocabulary'), 'options.out'));
  else {
    vocabulary = buildVocabulary(trainSentences, { ...(recipe.vocabulary ?? {}) });
    await writeFileAtomic(file('vocabulary'), JSON.stringify(vocabulary.toJSON()), { package: PKG });
  }
  const train = lmStream(trainSentences, vocabulary);
  const streamOf = async (path: string | undefined, argument: string): Promise<LmStream | undefined> =>
    path === undefined ? undefined : lmStream(sentencesOf(await readRunText(path, argument)), vocabulary);
  const valid = await streamOf(recipe.data.valid, 'recipe.data.valid');

  const m = recipe.model;
  const config: RecurrentLmConfig = {
    vocabSize: vocabulary.size,
    embeddingSize: m.embeddingSize,
    hiddenSize: m.hiddenSize,
    layers: m.layers,
    ...(m.cell !== undefined ? { cell: m.cell } : {}),
    ...(m.tied !== undefined ? { tied: m.tied } : {}),
  };
  const t = recipe.training;

  const resumed = await resumeRunFolder(file('checkpoint'), file('curve'));
  if (resumed !== undefined) options.onEvent?.({ type: 'resume', step: resumed.loop.step, epoch: resumed.loop.epoch });

  const stepsPerEpoch = bpttSegmentCount(batchifyLmStream(train, t.batchSize), t.bptt);
  const writeModel = (params: Parameters<typeof writeRecurrentLmFile>[1]['params'], extra: Record<string, string>): Promise<void> =>
    writeRecurrentLmFile(file('model'), { config, params, vocabulary }, { dtype: recipe.artifact?.dtype ?? 'float32', meta: { recipe: JSON.stringify(recipe), ...extra } });

  const curve = curveWriter(file('curve'));
  const result = await trainRecurrentLm({
    config,
    train,
    ...(valid !== undefined ? { valid } : {}),
    seed: t.seed,
    ...(m.initScale !== undefined ? { initScale: m.initScale } : {}),
    batchSize: t.batchSize,
    bptt: t.bptt,
    epochs: t.epochs,
    loss: t.loss,
    optimizer: recipeOptimizer(recipe),
    lr: recipeSchedule(recipe),
    ...definedOptions(t, ['clipNorm', 'dropout', 'evalBatchSize', 'logEvery', 'checkpointEvery']),
    ...(resumed !== undefined ? { resume: resumed.bytes } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    meta: { recipe: recipe.name },
    ...runFolderCallbacks({ checkpointPath: file('checkpoint'), curve, stepsPerEpoch, writeModel, ...(options.onEvent !== undefined ? { onEvent: options.onEvent } : {}) }),
  });
  try {
    await curve.done();
    await writeModel(result.params, { step: String(result.position.step) });
    let testPerplexity: number | undefined;
    const done = result.stopped !== 'aborted';
    if (done && recipe.data.test !== undefined) {
      const test = await streamOf(recipe.data.test, 'recipe.data.test');
      testPerplexity = (await evaluateRecurrentLmStream(config, result.params, test as LmStream, { batchSize: t.evalBatchSize ?? 10, bptt: t.bptt })).perplexity;
    }
    const loop = (await pathExists(file('checkpoint'))) ? checkpointLoop(await readCheckpointFile(file('checkpoint'))) : { seconds: 0, tokens: 0 };
    const summary: RecurrentLmRunResult = {
      stopped: result.stopped,
      resumed: resumed !== undefined,
      step: result.position.step,
      epoch: result.position.epoch,
      ...(result.validPerplexity !== undefined ? { validPerplexity: result.validPerplexity } : {}),
      ...(testPerplexity !== undefined ? { testPerplexity } : {}),
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

/** The folder of a recipe file, for `recipeDir`. */
export function recipeDirOf(recipePath: string): string {
  return dirname(resolve(recipePath));
}
