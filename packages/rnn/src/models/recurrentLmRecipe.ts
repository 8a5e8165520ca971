import { adagrad, adam, constantLr, exponentialLr, sgd, zarembaLr, type LrSchedule, type Optimizer } from '@nlpkit/train';
import { RnnOptionError } from '../errors.js';
import type { CellConfig } from '../types.js';
import { checkKeys, checkNumber, checkOneOf } from '../validate.js';
import { checkRecurrentLmConfig, type RecurrentLmConfig } from './recurrentLm.js';
import type { LmLossConvention } from './trainRecurrentLm.js';

/** Learning-rate schedules a recipe names (those of `@nlpkit/train`). */
export type RecipeLr =
  | { readonly schedule: 'constant'; readonly lr: number }
  | { readonly schedule: 'zaremba'; readonly initial: number; readonly constantEpochs: number; readonly decay: number }
  | { readonly schedule: 'exponential'; readonly initial: number; readonly rate: number; readonly every: number };

/** Optimizers a recipe names, with the options of `@nlpkit/train`'s `sgd`, `adam`, `adagrad`. */
export type RecipeOptimizer =
  | { readonly type: 'sgd'; readonly momentum?: number; readonly nesterov?: boolean; readonly weightDecay?: number }
  | { readonly type: 'adam'; readonly beta1?: number; readonly beta2?: number; readonly epsilon?: number }
  | { readonly type: 'adagrad'; readonly initialAccumulator?: number; readonly epsilon?: number };

/**
 * A training recipe for a recurrent LM as a JSON file holds it: every hyperparameter named, seeded, data paths
 * relative to the recipe file. Read one with {@link parseRecurrentLmRecipe}; run it with `trainRecurrentLmRun` from
 * `@nlpkit/rnn/node` (or `nlpkit lm train --recipe`).
 */
export interface RecurrentLmRecipe {
  readonly name: string;
  readonly description?: string;
  /** Text files, one sentence per line, tokens separated by spaces; relative paths are read from the recipe's folder. */
  readonly data: { readonly train: string; readonly valid?: string; readonly test?: string };
  /** `buildVocabulary` options over the training file. */
  readonly vocabulary?: { readonly minCount?: number; readonly maxSize?: number };
  readonly model: {
    readonly embeddingSize: number;
    readonly hiddenSize: number;
    readonly layers: number;
    readonly cell?: CellConfig;
    readonly tied?: boolean;
    /** U(±initScale) initial weights; left out: the cells' PyTorch initialisation. */
    readonly initScale?: number;
  };
  readonly training: {
    readonly seed: number;
    readonly batchSize: number;
    readonly bptt: number;
    readonly epochs: number;
    readonly loss: LmLossConvention;
    readonly optimizer: RecipeOptimizer;
    readonly lr: RecipeLr;
    readonly clipNorm?: number;
    readonly dropout?: number;
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

/**
 * Checks a recipe read from JSON, key by key (unknown keys are refused: a typo must not fall back to a default),
 * and returns it typed. Optimizer options are checked by the optimizer itself when the run starts.
 * @throws RnnOptionError naming the recipe key (`recipe.training.bptt`)
 */
export function parseRecurrentLmRecipe(json: unknown): RecurrentLmRecipe {
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
  checkKeys(m, 'recipe.model', ['embeddingSize', 'hiddenSize', 'layers', 'cell', 'tied', 'initScale']);
  checkNumber(m['embeddingSize'], 'recipe.model.embeddingSize', 1, 1 << 16, true);
  checkNumber(m['hiddenSize'], 'recipe.model.hiddenSize', 1, 1 << 16, true);
  checkNumber(m['layers'], 'recipe.model.layers', 1, 64, true);
  if (m['initScale'] !== undefined) checkNumber(m['initScale'], 'recipe.model.initScale', 0, 10);
  const { initScale: _, ...shape } = m;
  // The vocabulary size comes from the data; any valid one checks the rest (cell type, tied sizes).
  checkRecurrentLmConfig({ ...(shape as unknown as RecurrentLmConfig), vocabSize: 10 }, 'recipe.model');
  const t = record(r['training'], 'recipe.training');
  checkKeys(t, 'recipe.training', ['seed', 'batchSize', 'bptt', 'epochs', 'loss', 'optimizer', 'lr', 'clipNorm', 'dropout', 'evalBatchSize', 'logEvery', 'checkpointEvery']);
  checkNumber(t['seed'], 'recipe.training.seed', 0, Number.MAX_SAFE_INTEGER, true);
  checkNumber(t['batchSize'], 'recipe.training.batchSize', 1, 1 << 16, true);
  checkNumber(t['bptt'], 'recipe.training.bptt', 1, 1 << 16, true);
  checkNumber(t['epochs'], 'recipe.training.epochs', 0, 1e6, true);
  checkOneOf(t['loss'], 'recipe.training.loss', ['sumOverTime', 'perToken']);
  const o = record(t['optimizer'], 'recipe.training.optimizer');
  checkOneOf(o['type'], 'recipe.training.optimizer.type', ['sgd', 'adam', 'adagrad']);
  const lr = record(t['lr'], 'recipe.training.lr');
  const schedule = checkOneOf(lr['schedule'], 'recipe.training.lr.schedule', ['constant', 'zaremba', 'exponential']);
  checkKeys(lr, 'recipe.training.lr', ['schedule', ...{ constant: ['lr'], zaremba: ['initial', 'constantEpochs', 'decay'], exponential: ['initial', 'rate', 'every'] }[schedule]]);
  for (const k of ['clipNorm', 'dropout', 'evalBatchSize', 'logEvery', 'checkpointEvery']) {
    if (t[k] !== undefined) checkNumber(t[k], `recipe.training.${k}`, k === 'clipNorm' || k === 'dropout' ? 0 : 1, k === 'dropout' ? 0.99 : 1e9, k !== 'clipNorm' && k !== 'dropout');
  }
  if (r['artifact'] !== undefined) {
    const a = record(r['artifact'], 'recipe.artifact');
    checkKeys(a, 'recipe.artifact', ['dtype']);
    if (a['dtype'] !== undefined) checkOneOf(a['dtype'], 'recipe.artifact.dtype', ['float32', 'float16']);
  }
  // Build once so that a bad schedule or optimizer option fails now, not after the data is read.
  recipeSchedule(r as unknown as RecurrentLmRecipe);
  recipeOptimizer(r as unknown as RecurrentLmRecipe).dispose();
  return r as unknown as RecurrentLmRecipe;
}

/** The recipe's learning-rate schedule. */
export function recipeSchedule(recipe: RecurrentLmRecipe): LrSchedule {
  const lr = recipe.training.lr;
  switch (lr.schedule) {
    case 'constant':
      return constantLr(lr.lr);
    case 'zaremba':
      return zarembaLr(lr.initial, lr.constantEpochs, lr.decay);
    case 'exponential':
      return exponentialLr(lr.initial, lr.rate, lr.every);
  }
}

/** A fresh optimizer as the recipe names it. */
export function recipeOptimizer(recipe: RecurrentLmRecipe): Optimizer {
  const spec = recipe.training.optimizer;
  const { type: _type, ...options } = spec;
  if (spec.type === 'adam') return adam(options as Omit<typeof spec, 'type'>);
  if (spec.type === 'adagrad') return adagrad(options as Omit<typeof spec, 'type'>);
  return sgd(options as Omit<typeof spec, 'type'>);
}
