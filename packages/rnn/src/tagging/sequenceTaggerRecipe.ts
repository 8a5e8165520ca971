import { checkRecipeArtifact, checkRecipeOptimization, optimizerOf, parseRecipeHead, recipeRecord, scheduleOf, type RecipeLr, type RecipeOptimizer } from '../models/recipeCommon.js';
import { checkKeys, checkNumber } from '../validate.js';
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
    /** `trainSequenceTagger`'s `singletonDropout`. */
    readonly singletonDropout?: number;
    readonly logEvery?: number;
    readonly checkpointEvery?: number;
  };
  readonly artifact?: { readonly dtype?: 'float32' | 'float16' };
}

/**
 * Checks a tagger recipe read from JSON, key by key (unknown keys refused) and returns it typed.
 * @throws RnnOptionError naming the recipe key (`recipe.training.epochs`); UnknownNameError for an unknown scheme
 */
export function parseSequenceTaggerRecipe(json: unknown): SequenceTaggerRecipe {
  const { recipe: r } = parseRecipeHead(json, ['valid', 'test', 'tokenPrefix']);
  const m = recipeRecord(r['model'], 'recipe.model');
  const chars = m['chars'] === undefined ? undefined : recipeRecord(m['chars'], 'recipe.model.chars');
  // Vocabulary and tag-set sizes come from the data; any valid ones check the rest.
  checkSequenceTaggerConfig({ ...m, wordVocabSize: 10, numTags: 1, ...(chars !== undefined ? { chars: { ...chars, vocabSize: 10 } } : {}) } as unknown as SequenceTaggerConfig, 'recipe.model');
  const t = recipeRecord(r['training'], 'recipe.training');
  checkKeys(t, 'recipe.training', ['seed', 'epochs', 'batchSize', 'optimizer', 'lr', 'clipNorm', 'dropout', 'singletonDropout', 'logEvery', 'checkpointEvery']);
  checkNumber(t['seed'], 'recipe.training.seed', 0, 2 ** 31 - 1, true);
  checkNumber(t['epochs'], 'recipe.training.epochs', 0, 1e6, true);
  checkNumber(t['batchSize'], 'recipe.training.batchSize', 1, 1 << 16, true);
  if (t['clipNorm'] !== undefined) checkNumber(t['clipNorm'], 'recipe.training.clipNorm', 0, 1e9);
  if (t['dropout'] !== undefined) checkNumber(t['dropout'], 'recipe.training.dropout', 0, 0.99);
  if (t['singletonDropout'] !== undefined) checkNumber(t['singletonDropout'], 'recipe.training.singletonDropout', 0, 1);
  for (const k of ['logEvery', 'checkpointEvery']) if (t[k] !== undefined) checkNumber(t[k], `recipe.training.${k}`, 1, 1e9, true);
  checkRecipeOptimization(t);
  checkRecipeArtifact(r);
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
    optimizer: optimizerOf(t.optimizer),
    lr: scheduleOf(t.lr),
    ...(t.clipNorm !== undefined ? { clipNorm: t.clipNorm } : {}),
    ...(t.dropout !== undefined ? { dropout: t.dropout } : {}),
    ...(t.singletonDropout !== undefined ? { singletonDropout: t.singletonDropout } : {}),
    ...(t.logEvery !== undefined ? { logEvery: t.logEvery } : {}),
    ...(t.checkpointEvery !== undefined ? { checkpointEvery: t.checkpointEvery } : {}),
    ...(recipe.vocabulary?.minCount !== undefined ? { minCount: recipe.vocabulary.minCount } : {}),
    ...(recipe.vocabulary?.maxSize !== undefined ? { maxWords: recipe.vocabulary.maxSize } : {}),
  };
}
