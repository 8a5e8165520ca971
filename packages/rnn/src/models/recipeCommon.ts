import { adagrad, adam, constantLr, exponentialLr, sgd, zarembaLr, type LrSchedule, type Optimizer } from '@nlpkit/train';
import { RnnOptionError } from '../errors.js';
import { checkKeys, checkNumber, checkOneOf } from '../validate.js';

// What every training recipe (recurrent LM, text classifier, sequence tagger) shares: the top-level layout
// (name, description, data paths, vocabulary, artifact), the optimizer and the learning-rate schedule.

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

/** `value` as a JSON object; RnnOptionError naming `argument` otherwise. */
export function recipeRecord(value: unknown, argument: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RnnOptionError({ argument, expected: 'an object', found: value });
  return value as Record<string, unknown>;
}

function text(value: unknown, argument: string): string {
  if (typeof value !== 'string' || value === '') throw new RnnOptionError({ argument, expected: 'a non-empty string', found: value });
  return value;
}

/**
 * Checks the keys every recipe has — the top-level key set, `name`, `description`, `data` (`train` and the optional
 * string keys `dataKeys`), `vocabulary` — and returns the recipe and its data as records.
 */
export function parseRecipeHead(json: unknown, dataKeys: readonly string[]): { recipe: Record<string, unknown>; data: Record<string, unknown> } {
  const r = recipeRecord(json, 'recipe');
  checkKeys(r, 'recipe', ['name', 'description', 'data', 'vocabulary', 'model', 'training', 'artifact']);
  text(r['name'], 'recipe.name');
  if (r['description'] !== undefined) text(r['description'], 'recipe.description');
  const data = recipeRecord(r['data'], 'recipe.data');
  checkKeys(data, 'recipe.data', ['train', ...dataKeys]);
  text(data['train'], 'recipe.data.train');
  for (const k of dataKeys) if (data[k] !== undefined) text(data[k], `recipe.data.${k}`);
  if (r['vocabulary'] !== undefined) {
    const v = recipeRecord(r['vocabulary'], 'recipe.vocabulary');
    checkKeys(v, 'recipe.vocabulary', ['minCount', 'maxSize']);
    if (v['minCount'] !== undefined) checkNumber(v['minCount'], 'recipe.vocabulary.minCount', 1, 1e9, true);
    if (v['maxSize'] !== undefined) checkNumber(v['maxSize'], 'recipe.vocabulary.maxSize', 5, 1 << 24, true);
  }
  return { recipe: r, data };
}

/** Checks `recipe.artifact` (`{ dtype?: 'float32' | 'float16' }`) when present. */
export function checkRecipeArtifact(recipe: Record<string, unknown>): void {
  if (recipe['artifact'] === undefined) return;
  const a = recipeRecord(recipe['artifact'], 'recipe.artifact');
  checkKeys(a, 'recipe.artifact', ['dtype']);
  if (a['dtype'] !== undefined) checkOneOf(a['dtype'], 'recipe.artifact.dtype', ['float32', 'float16']);
}

/**
 * Checks `training.optimizer` and `training.lr`, then builds both once so that a bad schedule or optimizer option
 * fails now, not after the data is read.
 */
export function checkRecipeOptimization(training: Record<string, unknown>): void {
  const o = recipeRecord(training['optimizer'], 'recipe.training.optimizer');
  checkOneOf(o['type'], 'recipe.training.optimizer.type', ['sgd', 'adam', 'adagrad']);
  const lr = recipeRecord(training['lr'], 'recipe.training.lr');
  const schedule = checkOneOf(lr['schedule'], 'recipe.training.lr.schedule', ['constant', 'zaremba', 'exponential']);
  checkKeys(lr, 'recipe.training.lr', ['schedule', ...{ constant: ['lr'], zaremba: ['initial', 'constantEpochs', 'decay'], exponential: ['initial', 'rate', 'every'] }[schedule]]);
  scheduleOf(lr as unknown as RecipeLr);
  optimizerOf(o as unknown as RecipeOptimizer).dispose();
}

/** The learning-rate schedule a recipe names. */
export function scheduleOf(lr: RecipeLr): LrSchedule {
  switch (lr.schedule) {
    case 'constant':
      return constantLr(lr.lr);
    case 'zaremba':
      return zarembaLr(lr.initial, lr.constantEpochs, lr.decay);
    case 'exponential':
      return exponentialLr(lr.initial, lr.rate, lr.every);
  }
}

/** A fresh optimizer as a recipe names it. */
export function optimizerOf(spec: RecipeOptimizer): Optimizer {
  const { type: _type, ...options } = spec;
  if (spec.type === 'adam') return adam(options as Omit<typeof spec, 'type'>);
  if (spec.type === 'adagrad') return adagrad(options as Omit<typeof spec, 'type'>);
  return sgd(options as Omit<typeof spec, 'type'>);
}
