import { recipeOptimizer, recipeSchedule, type RecipeLr, type RecipeOptimizer, type RecurrentLmRecipe } from '../models/recurrentLmRecipe.js';
import { RnnOptionError } from '../errors.js';
import { checkKeys, checkNumber, checkOneOf } from '../validate.js';
import { checkSequenceTaggerConfig, type SequenceTaggerConfig } from './sequenceTagger.js';
import type { TaggerModelOptions, TrainSequenceTaggerOptions } from './trainSequenceTagger.js';

/**
 * A tagger training recipe as a JSON file holds it (the layout of the LM recipes): every hyperparameter named,
 * seeded, data paths relative to the recipe file. `nlpkit tag train --recipe` runs one.
 */
export interface SequenceTaggerRecipe {
  readonly name: string;
  readonly description?: string;
  /**
   * CoNLL files (`TOKEN<TAB>TAG`, blank line between sentences; the word is the first column, the tag the last).
   * `tokenPrefix` is cut from words that start with it (WikiANN's `en:`), in training and whenever the model is used.
   */
  readonly data: { readonly train: string; readonly valid?: string; readonly test?: string; readonly tokenPrefix?: string };
  /** Word vocabulary over the training file. */
  readonly vocabulary?: { readonly minCount?: number; readonly maxSize?: number };
  readonly model: TaggerModelOptions;
  readonly training: {
    readonly seed: number;
    readonly epochs: number;
    readonly batchSize: number;
    readonly optimizer: RecipeOptimizer;
    readonly lr: RecipeLr;
    readonly clipNorm?: number;
    readonly dropout?: number;
    readonly logEvery?: number;
    readonly checkpointEvery?: number;
  };
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

/** The LM recipe reader builds optimizers and schedules from `training.optimizer` and `training.lr` alone. */
const asLmRecipe = (training: Record<string, unknown>): RecurrentLmRecipe => ({ training }) as unknown as RecurrentLmRecipe;

/**
 * Checks a tagger recipe read from JSON, key by key (unknown keys refused) and returns it typed.
 * @throws RnnOptionError naming the recipe key (`recipe.training.epochs`); UnknownNameError for an unknown scheme
 */
export function parseSequenceTaggerRecipe(json: unknown): SequenceTaggerRecipe {
  const r = record(json, 'recipe');
  checkKeys(r, 'recipe', ['name', 'description', 'data', 'vocabulary', 'model', 'training', 'artifact']);
  text(r['name'], 'recipe.name');
  if (r['description'] !== undefined) text(r['description'], 'recipe.description');
  const data = record(r['data'], 'recipe.data');
  checkKeys(data, 'recipe.data', ['train', 'valid', 'test', 'tokenPrefix']);
  text(data['train'], 'recipe.data.train');
  for (const k of ['valid', 'test', 'tokenPrefix']) if (data[k] !== undefined) text(data[k], `recipe.data.${k}`);
  if (r['vocabulary'] !== undefined) {
    const v = record(r['vocabulary'], 'recipe.vocabulary');
    checkKeys(v, 'recipe.vocabulary', ['minCount', 'maxSize']);
    if (v['minCount'] !== undefined) checkNumber(v['minCount'], 'recipe.vocabulary.minCount', 1, 1e9, true);
    if (v['maxSize'] !== undefined) checkNumber(v['maxSize'], 'recipe.vocabulary.maxSize', 5, 1 << 24, true);
  }
  const m = record(r['model'], 'recipe.model');
  const chars = m['chars'] === undefined ? undefined : record(m['chars'], 'recipe.model.chars');
  // Vocabulary and tag-set sizes come from the data; any valid ones check the rest.
  checkSequenceTaggerConfig({ ...m, wordVocabSize: 10, numTags: 1, ...(chars !== undefined ? { chars: { ...chars, vocabSize: 10 } } : {}) } as unknown as SequenceTaggerConfig, 'recipe.model');
  const t = record(r['training'], 'recipe.training');
  checkKeys(t, 'recipe.training', ['seed', 'epochs', 'batchSize', 'optimizer', 'lr', 'clipNorm', 'dropout', 'logEvery', 'checkpointEvery']);
  checkNumber(t['seed'], 'recipe.training.seed', 0, 2 ** 31 - 1, true);
  checkNumber(t['epochs'], 'recipe.training.epochs', 0, 1e6, true);
  checkNumber(t['batchSize'], 'recipe.training.batchSize', 1, 1 << 16, true);
  if (t['clipNorm'] !== undefined) checkNumber(t['clipNorm'], 'recipe.training.clipNorm', 0, 1e9);
  if (t['dropout'] !== undefined) checkNumber(t['dropout'], 'recipe.training.dropout', 0, 0.99);
  for (const k of ['logEvery', 'checkpointEvery']) if (t[k] !== undefined) checkNumber(t[k], `recipe.training.${k}`, 1, 1e9, true);
  checkOneOf(record(t['optimizer'], 'recipe.training.optimizer')['type'], 'recipe.training.optimizer.type', ['sgd', 'adam', 'adagrad']);
  record(t['lr'], 'recipe.training.lr');
  recipeSchedule(asLmRecipe(t));
  recipeOptimizer(asLmRecipe(t)).dispose();
  if (r['artifact'] !== undefined) {
    const a = record(r['artifact'], 'recipe.artifact');
    checkKeys(a, 'recipe.artifact', ['dtype']);
    if (a['dtype'] !== undefined && a['dtype'] !== 'float32' && a['dtype'] !== 'float16') {
      throw new RnnOptionError({ argument: 'recipe.artifact.dtype', expected: 'one of float32, float16', found: a['dtype'] });
    }
  }
  return r as unknown as SequenceTaggerRecipe;
}

/**
 * The `trainSequenceTagger` options a recipe names (all but the data and the callbacks), with a fresh optimizer.
 */
export function taggerRecipeTraining(recipe: SequenceTaggerRecipe): Omit<TrainSequenceTaggerOptions, 'train'> {
  const t = recipe.training;
  return {
    model: recipe.model,
    seed: t.seed,
    epochs: t.epochs,
    batchSize: t.batchSize,
    optimizer: recipeOptimizer(asLmRecipe(t as unknown as Record<string, unknown>)),
    lr: recipeSchedule(asLmRecipe(t as unknown as Record<string, unknown>)),
    ...(t.clipNorm !== undefined ? { clipNorm: t.clipNorm } : {}),
    ...(t.dropout !== undefined ? { dropout: t.dropout } : {}),
    ...(t.logEvery !== undefined ? { logEvery: t.logEvery } : {}),
    ...(t.checkpointEvery !== undefined ? { checkpointEvery: t.checkpointEvery } : {}),
    ...(recipe.vocabulary?.minCount !== undefined ? { minCount: recipe.vocabulary.minCount } : {}),
    ...(recipe.vocabulary?.maxSize !== undefined ? { maxWords: recipe.vocabulary.maxSize } : {}),
  };
}
