import type { LrSchedule, Optimizer } from '@nlpkit/train';
import { RnnOptionError } from '../errors.js';
import { checkRecipeArtifact, checkRecipeOptimization, optimizerOf, parseRecipeHead, recipeRecord, scheduleOf, type RecipeLr, type RecipeOptimizer } from '../models/recipeCommon.js';
import { checkKeys, checkNumber } from '../validate.js';
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

/** The optimizer and schedule a recipe names (those of `@nlpkit/train`, as LM recipes name them). */
export function classifierRecipeTraining(recipe: TextClassifierRecipe): { optimizer: Optimizer; lr: LrSchedule } {
  return { optimizer: optimizerOf(recipe.training.optimizer), lr: scheduleOf(recipe.training.lr) };
}

/**
 * Checks a recipe read from JSON key by key (unknown keys are refused: a typo must not fall back to a default) and
 * returns it typed.
 * @throws RnnOptionError naming the recipe key (`recipe.training.batchSize`); UnknownNameError for an unknown model
 *   kind or cell type
 */
export function parseTextClassifierRecipe(json: unknown): TextClassifierRecipe {
  const { recipe: r, data } = parseRecipeHead(json, ['valid', 'test']);
  const m = recipeRecord(r['model'], 'recipe.model');
  for (const k of ['vocabSize', 'numLabels']) {
    if (m[k] !== undefined) throw new RnnOptionError({ argument: `recipe.model.${k}`, expected: 'absent (it comes from the data)', found: m[k] });
  }
  // The sizes that come from the data: any valid ones check the rest.
  checkTextClassifierConfig({ ...(m as unknown as TextClassifierConfig), vocabSize: 10, numLabels: 2 }, 'recipe.model');
  const t = recipeRecord(r['training'], 'recipe.training');
  checkKeys(t, 'recipe.training', [
    'seed', 'batchSize', 'epochs', 'optimizer', 'lr', 'clipNorm', 'dropout', 'wordDropout', 'embeddingScale', 'bucketBatches', 'patience', 'evalBatchSize', 'logEvery', 'checkpointEvery',
  ]);
  checkNumber(t['seed'], 'recipe.training.seed', 0, Number.MAX_SAFE_INTEGER, true);
  checkNumber(t['batchSize'], 'recipe.training.batchSize', 1, 1 << 16, true);
  checkNumber(t['epochs'], 'recipe.training.epochs', 0, 1e6, true);
  for (const k of ['dropout', 'wordDropout']) if (t[k] !== undefined) checkNumber(t[k], `recipe.training.${k}`, 0, 0.99);
  if ((t['wordDropout'] as number | undefined ?? 0) > 0 && m['kind'] !== 'dan') {
    throw new RnnOptionError({ argument: 'recipe.training.wordDropout', expected: `0 or absent for a ${String(m['kind'])} classifier (word dropout drops words from a DAN's average)`, found: t['wordDropout'] });
  }
  if (t['clipNorm'] !== undefined) checkNumber(t['clipNorm'], 'recipe.training.clipNorm', 0, Number.MAX_VALUE);
  if (t['embeddingScale'] !== undefined) checkNumber(t['embeddingScale'], 'recipe.training.embeddingScale', 0, 10);
  for (const k of ['bucketBatches', 'patience', 'evalBatchSize', 'logEvery', 'checkpointEvery']) if (t[k] !== undefined) checkNumber(t[k], `recipe.training.${k}`, 1, 1e9, true);
  if (t['patience'] !== undefined && data['valid'] === undefined) {
    throw new RnnOptionError({ argument: 'recipe.training.patience', expected: 'absent without recipe.data.valid', found: t['patience'] });
  }
  checkRecipeOptimization(t);
  checkRecipeArtifact(r);
  return r as unknown as TextClassifierRecipe;
}

/** The full config of a recipe's model once the data has given the vocabulary size and the number of labels. */
export function classifierConfigOf(recipe: TextClassifierRecipe, vocabSize: number, numLabels: number): TextClassifierConfig {
  return checkTextClassifierConfig({ ...recipe.model, vocabSize, numLabels } as TextClassifierConfig, 'config');
}
