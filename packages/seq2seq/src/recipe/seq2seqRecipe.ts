import { checkRecipeArtifact, checkRecipeOptimization, optimizerOf, parseRecipeHead, recipeRecord, scheduleOf, type RecipeLr, type RecipeOptimizer } from '@nlpkit/rnn';
import type { LrSchedule, Optimizer } from '@nlpkit/train';
import { check, checkKeys, Seq2seqOptionError } from '../errors.js';
import { checkSeq2seqConfig, type Seq2seqConfig } from '../model/seq2seqConfig.js';

/** How a recipe's data files were tokenized (see {@link Seq2seqRecipe}). */
export const SEQ2SEQ_TOKENIZATIONS = ['moses-lc', 'none'] as const;
/** One of {@link SEQ2SEQ_TOKENIZATIONS}. */
export type Seq2seqTokenization = (typeof SEQ2SEQ_TOKENIZATIONS)[number];

/** A config without the sizes that come from the data (the two vocabulary sizes). */
export type Seq2seqShape = Omit<Seq2seqConfig, 'sourceVocabSize' | 'targetVocabSize'>;

/**
 * A training recipe for an encoder-decoder as a JSON file holds it: every hyperparameter named, seeded. Data paths
 * are file prefixes relative to the recipe file, one sentence per line, the language code appended
 * (`<prefix>.<sourceLanguage>`, `<prefix>.<targetLanguage>`: `train.lc.norm.tok.de` / `.en`), as fairseq and
 * OpenNMT name parallel files. Read one with {@link parseSeq2seqRecipe}; run it with `trainSeq2seqRun` from
 * `@nlpkit/seq2seq/node`.
 */
export interface Seq2seqRecipe {
  readonly name: string;
  readonly description?: string;
  readonly data: {
    readonly train: string;
    readonly valid?: string;
    readonly test?: string;
    readonly sourceLanguage: string;
    readonly targetLanguage: string;
    /**
     * How the files were tokenized, recorded in the model's meta so that a translator tokenizes raw input (and
     * detokenizes output) the same way: `'moses-lc'` (lowercased, then `mosesNormalizePunctuation` and
     * `mosesTokenize` of `@nlpkit/text` in each side's language) or `'none'` (default). The files are read as they are.
     */
    readonly tokenization?: Seq2seqTokenization;
  };
  /** `buildVocabulary` options, the same for both sides. */
  readonly vocabulary?: { readonly minCount?: number; readonly maxSize?: number };
  readonly model: Seq2seqShape;
  readonly training: {
    readonly seed: number;
    readonly batchSize: number;
    readonly epochs: number;
    readonly optimizer: RecipeOptimizer;
    readonly lr: RecipeLr;
    readonly clipNorm?: number;
    readonly labelSmoothing?: number;
    /** Training pairs longer than this (either side, in tokens) are left out. */
    readonly maxLength?: number;
    readonly bucketBatches?: number;
    /** Greedy BLEU on the validation set after every epoch (and early stopping on it). Default false: loss. */
    readonly validBleu?: boolean;
    readonly patience?: number;
    readonly evalBatchSize?: number;
    readonly logEvery?: number;
    readonly checkpointEvery?: number;
  };
  readonly artifact?: { readonly dtype?: 'float32' | 'float16' };
}

const TRAINING_KEYS = [
  'seed', 'batchSize', 'epochs', 'optimizer', 'lr', 'clipNorm', 'labelSmoothing', 'maxLength', 'bucketBatches', 'validBleu', 'patience', 'evalBatchSize',
  'logEvery', 'checkpointEvery',
] as const;

/**
 * Checks a recipe read from JSON key by key (unknown keys are refused: a typo must not fall back to a default) and
 * returns it typed.
 * @throws Seq2seqOptionError / InvalidArgumentError naming the recipe key (`recipe.training.batchSize`);
 *   UnknownNameError for an unknown cell, attention or bridge
 */
export function parseSeq2seqRecipe(json: unknown): Seq2seqRecipe {
  const { recipe: r, data } = parseRecipeHead(json, ['valid', 'test', 'sourceLanguage', 'targetLanguage', 'tokenization']);
  if (data['tokenization'] !== undefined) check.oneOf(data['tokenization'], 'recipe.data.tokenization', SEQ2SEQ_TOKENIZATIONS);
  for (const k of ['sourceLanguage', 'targetLanguage']) {
    if (data[k] === undefined) throw new Seq2seqOptionError({ argument: `recipe.data.${k}`, expected: 'a language code (the file suffix, e.g. "de")', found: undefined });
  }
  const m = recipeRecord(r['model'], 'recipe.model');
  for (const k of ['sourceVocabSize', 'targetVocabSize']) {
    if (m[k] !== undefined) throw new Seq2seqOptionError({ argument: `recipe.model.${k}`, expected: 'absent (it comes from the data)', found: m[k] });
  }
  // The sizes that come from the data: any valid ones check the rest.
  checkSeq2seqConfig({ ...(m as unknown as Seq2seqShape), sourceVocabSize: 10, targetVocabSize: 10 }, 'recipe.model');
  const t = recipeRecord(r['training'], 'recipe.training');
  checkKeys(t, 'recipe.training', TRAINING_KEYS);
  check.integer(t['seed'], 'recipe.training.seed', 0);
  check.integer(t['batchSize'], 'recipe.training.batchSize', 1, 1 << 16);
  check.integer(t['epochs'], 'recipe.training.epochs', 0, 1e6);
  if (t['clipNorm'] !== undefined) check.number(t['clipNorm'], 'recipe.training.clipNorm', 0);
  if (t['labelSmoothing'] !== undefined) check.number(t['labelSmoothing'], 'recipe.training.labelSmoothing', 0, 0.999);
  if (t['validBleu'] !== undefined) check.boolean(t['validBleu'], 'recipe.training.validBleu');
  for (const k of ['maxLength', 'bucketBatches', 'patience', 'evalBatchSize', 'logEvery', 'checkpointEvery']) {
    if (t[k] !== undefined) check.integer(t[k], `recipe.training.${k}`, 1, 1e9);
  }
  if ((t['patience'] !== undefined || t['validBleu'] === true) && data['valid'] === undefined) {
    throw new Seq2seqOptionError({ argument: t['patience'] !== undefined ? 'recipe.training.patience' : 'recipe.training.validBleu', expected: 'absent without recipe.data.valid', found: t['patience'] ?? true });
  }
  checkRecipeOptimization(t);
  checkRecipeArtifact(r);
  return r as unknown as Seq2seqRecipe;
}

/** The full config of a recipe's model once the data has given both vocabulary sizes. */
export function seq2seqRecipeConfig(recipe: Seq2seqRecipe, sourceVocabSize: number, targetVocabSize: number): Seq2seqConfig {
  return checkSeq2seqConfig({ ...recipe.model, sourceVocabSize, targetVocabSize }, 'recipe.model');
}

/** The optimizer and schedule a recipe names (those of `@nlpkit/train`). */
export function seq2seqRecipeTraining(recipe: Seq2seqRecipe): { optimizer: Optimizer; lr: LrSchedule } {
  return { optimizer: optimizerOf(recipe.training.optimizer), lr: scheduleOf(recipe.training.lr) };
}
