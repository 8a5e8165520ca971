import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildVocabulary, vocabularyFromJSON, type Vocabulary } from '@nlpkit/core';
import { writeFileAtomic } from '@nlpkit/core/node';
import type { TextClassifierParams, TrainClassifierEvent } from '@nlpkit/rnn';
import { CLI_PACKAGE, CliError } from '../../cliErrors.js';

/** The files of a classifier run folder. */
export const CLASSIFY_RUN_FILES = {
  recipe: 'recipe.json',
  vocabulary: 'vocabulary.json',
  labels: 'labels.json',
  checkpoint: 'checkpoint.safetensors',
  curve: 'curve.jsonl',
  model: 'model.safetensors',
  result: 'result.json',
} as const;

/** What a finished (or stopped) run reports. */
export interface ClassifierRunResult {
  readonly stopped: 'completed' | 'aborted' | 'early-stopped';
  readonly resumed: boolean;
  readonly step: number;
  readonly epoch: number;
  readonly validAccuracy?: number;
  readonly validMacroF1?: number;
  /** Seconds of training over every run of this folder. */
  readonly seconds: number;
  readonly modelPath: string;
}

/** Options of {@link trainClassifierRun}. */
export interface ClassifierRunOptions {
  readonly out: string;
  /** Parsed recipe JSON; left out: the one saved in `out` (resuming). */
  readonly recipe?: unknown;
  /** The recipe file's folder (relative data paths are read from there). */
  readonly recipeDir?: string;
  readonly onEvent?: (event: TrainClassifierEvent | { readonly type: 'resume'; readonly step: number; readonly epoch: number }) => void;
  readonly signal?: AbortSignal;
}

/**
 * Runs a classifier recipe in a run folder, resumably: `recipe.json` (data paths made absolute), `vocabulary.json`
 * and `labels.json` (built once from the training file), `checkpoint.safetensors` (atomic, every `checkpointEvery`
 * steps, after each epoch and on abort), `curve.jsonl` (one JSON line per training window and per epoch),
 * `model.safetensors` (the artifact, after every epoch and at the end) and `result.json`. Called again on the same
 * folder it continues from the checkpoint; on a finished folder it returns the saved result.
 */
export async function trainClassifierRun(options: ClassifierRunOptions): Promise<ClassifierRunResult> {
  const [rnn, { curveWriter, definedOptions, pathExists, readRunText, resumeRunFolder, runFolderCallbacks, runFolderRecipe }] = await Promise.all([import('@nlpkit/rnn'), import('@nlpkit/rnn/node')]);
  const { out } = options;
  const file = (name: keyof typeof CLASSIFY_RUN_FILES): string => join(out, CLASSIFY_RUN_FILES[name]);
  const readText = (path: string, argument: string): Promise<string> => readRunText(path, argument, CLI_PACKAGE);
  if (options.recipe === undefined && !(await pathExists(file('recipe')))) {
    throw new CliError(`--recipe is needed: ${JSON.stringify(out)} is not a run folder to resume (it has no recipe.json)`, { usage: true });
  }
  await mkdir(out, { recursive: true });
  const recipe = await runFolderRecipe(out, options, rnn.parseTextClassifierRecipe, CLI_PACKAGE);
  if (await pathExists(file('result'))) return JSON.parse(await readText(file('result'), '--out')) as ClassifierRunResult;

  const tokens = (text: string): string[] => rnn.classifierTokens(recipe.model, text);
  const trainData = rnn.parseClassificationTsv(await readText(recipe.data.train, 'recipe.data.train'), recipe.data.train);
  let vocabulary: Vocabulary;
  let labels: string[];
  if (await pathExists(file('vocabulary'))) {
    vocabulary = vocabularyFromJSON(await readText(file('vocabulary'), '--out'));
    labels = JSON.parse(await readText(file('labels'), '--out')) as string[];
  } else {
    vocabulary = buildVocabulary(trainData.texts.map(tokens), { ...(recipe.vocabulary ?? {}) });
    labels = rnn.labelList(trainData.labels);
    await writeFileAtomic(file('vocabulary'), JSON.stringify(vocabulary.toJSON()), { package: CLI_PACKAGE });
    await writeFileAtomic(file('labels'), JSON.stringify(labels), { package: CLI_PACKAGE });
  }
  const config = rnn.classifierConfigOf(recipe, vocabulary.size, labels.length);
  const train = rnn.encodeClassificationExamples(trainData, vocabulary, labels, tokens, recipe.data.train);
  const valid =
    recipe.data.valid === undefined
      ? undefined
      : rnn.encodeClassificationExamples(rnn.parseClassificationTsv(await readText(recipe.data.valid, 'recipe.data.valid'), recipe.data.valid), vocabulary, labels, tokens, recipe.data.valid);

  const t = recipe.training;
  const perEpoch = Math.ceil(train.ids.length / t.batchSize);
  const resumed = await resumeRunFolder(file('checkpoint'), file('curve'), CLI_PACKAGE);
  let seconds = resumed?.loop.seconds ?? 0;
  if (resumed !== undefined) options.onEvent?.({ type: 'resume', step: resumed.loop.step, epoch: resumed.loop.epoch });
  const writeModel = async (params: Parameters<typeof rnn.encodeTextClassifier>[0]['params'], meta: Record<string, string>): Promise<void> => {
    const bytes = rnn.encodeTextClassifier({ config, params, vocabulary, labels }, { dtype: recipe.artifact?.dtype ?? 'float32', meta: { recipe: JSON.stringify(recipe), ...meta } });
    await writeFileAtomic(file('model'), bytes, { package: CLI_PACKAGE });
  };

  const { optimizer, lr } = rnn.classifierRecipeTraining(recipe);
  const curve = curveWriter(file('curve'));
  const result = await rnn.trainTextClassifier({
    config,
    train,
    ...(valid !== undefined ? { valid } : {}),
    seed: t.seed,
    batchSize: t.batchSize,
    epochs: t.epochs,
    optimizer,
    lr,
    ...definedOptions(t, ['clipNorm', 'dropout', 'wordDropout', 'embeddingScale', 'bucketBatches', 'patience', 'evalBatchSize', 'logEvery', 'checkpointEvery']),
    ...(resumed !== undefined ? { resume: resumed.bytes } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    meta: { recipe: recipe.name },
    ...runFolderCallbacks<TextClassifierParams, TrainClassifierEvent>({
      checkpointPath: file('checkpoint'),
      curve,
      stepsPerEpoch: perEpoch,
      writeModel,
      onEvent: (e) => {
        if (e.type !== 'checkpoint') seconds = e.seconds;
        options.onEvent?.(e);
      },
    }),
  });
  try {
    await curve.done();
    const scores = result.valid === undefined ? {} : { validAccuracy: result.valid.accuracy, validMacroF1: result.valid.macroF1 };
    await writeModel(result.params, { step: String(result.position.step), ...Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, String(v)])) });
    const summary: ClassifierRunResult = {
      stopped: result.stopped,
      resumed: resumed !== undefined,
      step: result.position.step,
      epoch: result.position.epoch,
      ...scores,
      seconds,
      modelPath: file('model'),
    };
    if (result.stopped !== 'aborted') await writeFileAtomic(file('result'), `${JSON.stringify(summary, null, 2)}\n`, { package: CLI_PACKAGE });
    return summary;
  } finally {
    result.dispose();
  }
}
