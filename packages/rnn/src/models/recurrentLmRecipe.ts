import type { LrSchedule, Optimizer } from '@nlpkit/train';
import type { CellConfig } from '../types.js';
import { checkKeys, checkNumber, checkOneOf } from '../validate.js';
import {
  checkRecipeArtifact,
  checkRecipeOptimization,
  optimizerOf,
  parseRecipeHead,
  recipeRecord,
  scheduleOf,
  type RecipeLr,
  type RecipeOptimizer,
} from './recipeCommon.js';
import { checkRecurrentLmConfig, type RecurrentLmConfig } from './recurrentLm.js';
import type { LmLossConvention } from './trainRecurrentLm.js';

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

/**
 * Checks a recipe read from JSON, key by key (unknown keys are refused: a typo must not fall back to a default),
 * and returns it typed. Optimizer options are checked by the optimizer itself when the run starts.
 * @throws RnnOptionError naming the recipe key (`recipe.training.bptt`)
 */
export function parseRecurrentLmRecipe(json: unknown): RecurrentLmRecipe {
  const { recipe: r } = parseRecipeHead(json, ['valid', 'test']);
  const m = recipeRecord(r['model'], 'recipe.model');
  checkKeys(m, 'recipe.model', ['embeddingSize', 'hiddenSize', 'layers', 'cell', 'tied', 'initScale']);
  checkNumber(m['embeddingSize'], 'recipe.model.embeddingSize', 1, 1 << 16, true);
  checkNumber(m['hiddenSize'], 'recipe.model.hiddenSize', 1, 1 << 16, true);
  checkNumber(m['layers'], 'recipe.model.layers', 1, 64, true);
  if (m['initScale'] !== undefined) checkNumber(m['initScale'], 'recipe.model.initScale', 0, 10);
  const { initScale: _, ...shape } = m;
  // The vocabulary size comes from the data; any valid one checks the rest (cell type, tied sizes).
  checkRecurrentLmConfig({ ...(shape as unknown as RecurrentLmConfig), vocabSize: 10 }, 'recipe.model');
  const t = recipeRecord(r['training'], 'recipe.training');
  checkKeys(t, 'recipe.training', ['seed', 'batchSize', 'bptt', 'epochs', 'loss', 'optimizer', 'lr', 'clipNorm', 'dropout', 'evalBatchSize', 'logEvery', 'checkpointEvery']);
  checkNumber(t['seed'], 'recipe.training.seed', 0, Number.MAX_SAFE_INTEGER, true);
  checkNumber(t['batchSize'], 'recipe.training.batchSize', 1, 1 << 16, true);
  checkNumber(t['bptt'], 'recipe.training.bptt', 1, 1 << 16, true);
  checkNumber(t['epochs'], 'recipe.training.epochs', 0, 1e6, true);
  checkOneOf(t['loss'], 'recipe.training.loss', ['sumOverTime', 'perToken']);
  for (const k of ['clipNorm', 'dropout', 'evalBatchSize', 'logEvery', 'checkpointEvery']) {
    if (t[k] !== undefined) checkNumber(t[k], `recipe.training.${k}`, k === 'clipNorm' || k === 'dropout' ? 0 : 1, k === 'dropout' ? 0.99 : 1e9, k !== 'clipNorm' && k !== 'dropout');
  }
  checkRecipeOptimization(t);
  checkRecipeArtifact(r);
  return r as unknown as RecurrentLmRecipe;
}

/** The recipe's learning-rate schedule. */
export function recipeSchedule(recipe: RecurrentLmRecipe): LrSchedule {
  return scheduleOf(recipe.training.lr);
}

/** A fresh optimizer as the recipe names it. */
export function recipeOptimizer(recipe: RecurrentLmRecipe): Optimizer {
  return optimizerOf(recipe.training.optimizer);
}
