import type { LrSchedule, Optimizer } from '@nlpkit/train';
import { RnnOptionError } from '../errors.js';
import { recipeOptimizer, recipeSchedule, type RecipeLr, type RecipeOptimizer, type RecurrentLmRecipe } from '../models/recurrentLmRecipe.js';
import { checkKeys, checkNumber, checkOneOf } from '../validate.js';
import { checkTextClassifierConfig, type TextClassifierConfig } from './textClassifierConfig.js';

/** A config without the sizes that come from the data (vocabulary size, number of labels). */
export type TextClassifierShape = TextClassifierConfig extends infer C ? (C extends TextClassifierConfig ? Omit<C, 'vocabSize' | 'numLabels'> : never) : never;

/**
 * A training recipe for a text classifier as a JSON file holds it: every hyperparameter named, seeded, data paths
 * (GLUE-style TSV, `sentence<TAB>label` with a header) relative to the recipe file. Read one with
 * {@link parseTextClassifierRecipe}; run it with `nlpkit classify train --recipe`.
 */
export interface TextClassifierRecipe {
  readonly name: string;
  readonly description?: string;
  readonly data: { readonly train: string; readonly valid?: string; readonly test?: string };
  /** `buildVocabulary` options over the training texts. */
  readonly vocabulary?: { readonly minCount?: number; readonly maxSize?: number };
  readonly model: TextClassifierShape;
  readonly training: {
    readonly seed: number;
    readonly batchSize: number;
    readonly epochs: number;
    readonly optimizer: RecipeOptimizer;
    readonly lr: RecipeLr;
    readonly clipNorm?: number;
    readonly dropout?: number;
    readonly wordDropout?: number;
    readonly embeddingScale?: number;
    readonly bucketBatches?: number;
    readonly patience?: number;
    readonly evalBatchSize?: number;
    readonly logEvery?: number;
    readonly checkpointEvery?: number;
  };
  /** The artifact written: `'float32'` (default) or `'float16'`. */
  readonly artifact?: { readonly dtype?: 'float32' | 'float16' };
}

function record(value: unknown, argument: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RnnOptionError({ argument, expected: 'an object', found: value });
  return value as Record<string, unknown>;
}

function text(value: unknown, argument: string): string {
  if (typeof value !== 'string' || value === '') throw new RnnOptionError({ argument, expected: 'a non-empty string', found: value });
  return value;
}

/** The optimizer and schedule a recipe names (those of `@nlpkit/train`, as LM recipes name them). */
export function classifierRecipeTraining(recipe: TextClassifierRecipe): { optimizer: Optimizer; lr: LrSchedule } {
  // The LM recipe helpers read only `training.optimizer` and `training.lr`, which both recipe kinds share.
  const shared = recipe as unknown as RecurrentLmRecipe;
  return { optimizer: recipeOptimizer(shared), lr: recipeSchedule(shared) };
}

/**
 * Checks a recipe read from JSON key by key (unknown keys are refused: a typo must not fall back to a default) and
 * returns it typed.
 * @throws RnnOptionError naming the recipe key (`recipe.training.batchSize`); UnknownNameError for an unknown model
 *   kind or cell type
 */
export function parseTextClassifierRecipe(json: unknown): TextClassifierRecipe {
  const r = record(json, 'recipe');
  checkKeys(r, 'recipe', ['name', 'description', 'data', 'vocabulary', 'model', 'training', 'artifact']);
  text(r['name'], 'recipe.name');
  if (r['description'] !== undefined) text(r['description'], 'recipe.description');
  const data = record(r['data'], 'recipe.data');
  checkKeys(data, 'recipe.data', ['train', 'valid', 'test']);
  text(data['train'], 'recipe.data.train');
  for (const k of ['valid', 'test']) if (data[k] !== undefined) text(data[k], `recipe.data.${k}`);
  if (r['vocabulary'] !== undefined) {
    const v = record(r['vocabulary'], 'recipe.vocabulary');
    checkKeys(v, 'recipe.vocabulary', ['minCount', 'maxSize']);
    if (v['minCount'] !== undefined) checkNumber(v['minCount'], 'recipe.vocabulary.minCount', 1, 1e9, true);
    if (v['maxSize'] !== undefined) checkNumber(v['maxSize'], 'recipe.vocabulary.maxSize', 5, 1 << 24, true);
  }
  const m = record(r['model'], 'recipe.model');
  for (const k of ['vocabSize', 'numLabels']) {
    if (m[k] !== undefined) throw new RnnOptionError({ argument: `recipe.model.${k}`, expected: 'absent (it comes from the data)', found: m[k] });
  }
  // The sizes that come from the data: any valid ones check the rest.
  checkTextClassifierConfig({ ...(m as unknown as TextClassifierConfig), vocabSize: 10, numLabels: 2 }, 'recipe.model');
  const t = record(r['training'], 'recipe.training');
  checkKeys(t, 'recipe.training', [
    'seed', 'batchSize', 'epochs', 'optimizer', 'lr', 'clipNorm', 'dropout', 'wordDropout', 'embeddingScale', 'bucketBatches', 'patience', 'evalBatchSize', 'logEvery', 'checkpointEvery',
  ]);
  checkNumber(t['seed'], 'recipe.training.seed', 0, Number.MAX_SAFE_INTEGER, true);
  checkNumber(t['batchSize'], 'recipe.training.batchSize', 1, 1 << 16, true);
  checkNumber(t['epochs'], 'recipe.training.epochs', 0, 1e6, true);
  const o = record(t['optimizer'], 'recipe.training.optimizer');
  checkOneOf(o['type'], 'recipe.training.optimizer.type', ['sgd', 'adam', 'adagrad']);
  const lr = record(t['lr'], 'recipe.training.lr');
  const schedule = checkOneOf(lr['schedule'], 'recipe.training.lr.schedule', ['constant', 'zaremba', 'exponential']);
  checkKeys(lr, 'recipe.training.lr', ['schedule', ...{ constant: ['lr'], zaremba: ['initial', 'constantEpochs', 'decay'], exponential: ['initial', 'rate', 'every'] }[schedule]]);
  for (const k of ['dropout', 'wordDropout']) if (t[k] !== undefined) checkNumber(t[k], `recipe.training.${k}`, 0, 0.99);
  if (t['clipNorm'] !== undefined) checkNumber(t['clipNorm'], 'recipe.training.clipNorm', 0, Number.MAX_VALUE);
  if (t['embeddingScale'] !== undefined) checkNumber(t['embeddingScale'], 'recipe.training.embeddingScale', 0, 10);
  for (const k of ['bucketBatches', 'patience', 'evalBatchSize', 'logEvery', 'checkpointEvery']) if (t[k] !== undefined) checkNumber(t[k], `recipe.training.${k}`, 1, 1e9, true);
  if (t['patience'] !== undefined && data['valid'] === undefined) {
    throw new RnnOptionError({ argument: 'recipe.training.patience', expected: 'absent without recipe.data.valid', found: t['patience'] });
  }
  if (r['artifact'] !== undefined) {
    const a = record(r['artifact'], 'recipe.artifact');
    checkKeys(a, 'recipe.artifact', ['dtype']);
    if (a['dtype'] !== undefined) checkOneOf(a['dtype'], 'recipe.artifact.dtype', ['float32', 'float16']);
  }
  const recipe = r as unknown as TextClassifierRecipe;
  // Build once so that a bad schedule or optimizer option fails now, not after the data is read.
  classifierRecipeTraining(recipe).optimizer.dispose();
  return recipe;
}

/** The full config of a recipe's model once the data has given the vocabulary size and the number of labels. */
export function classifierConfigOf(recipe: TextClassifierRecipe, vocabSize: number, numLabels: number): TextClassifierConfig {
  return checkTextClassifierConfig({ ...recipe.model, vocabSize, numLabels } as TextClassifierConfig, 'config');
}
