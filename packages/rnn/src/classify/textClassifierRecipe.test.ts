import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifierConfigOf, parseTextClassifierRecipe } from './textClassifierRecipe.js';

const read = (name: string): Record<string, unknown> => JSON.parse(readFileSync(fileURLToPath(new URL(`../../../../recipes/${name}`, import.meta.url)), 'utf8')) as Record<string, unknown>;

describe('text classifier recipes', () => {
  it('the SST-2 recipes parse, are seeded and name every training hyperparameter', () => {
    for (const [file, kind] of [['sst2-dan.json', 'dan'], ['sst2-cnn.json', 'cnn'], ['sst2-bilstm-max.json', 'rnn']] as const) {
      const recipe = parseTextClassifierRecipe(read(file));
      expect(recipe.model.kind).toBe(kind);
      expect(Object.keys(recipe.training).sort()).toEqual(
        ['batchSize', 'bucketBatches', 'checkpointEvery', 'clipNorm', 'dropout', 'embeddingScale', 'epochs', 'evalBatchSize', 'logEvery', 'lr', 'optimizer', 'seed', 'wordDropout'].sort(),
      );
      expect(recipe.data.train).toMatch(/sst2\/train\.tsv$/);
      expect(classifierConfigOf(recipe, 100, 2)).toMatchObject({ kind, vocabSize: 100, numLabels: 2 });
    }
  });

  it('a typo, a data-given size or a bad value is refused, naming the key', () => {
    const dan = read('sst2-dan.json');
    const training = dan['training'] as Record<string, unknown>;
    const model = dan['model'] as Record<string, unknown>;
    expect(() => parseTextClassifierRecipe({ ...dan, training: { ...training, epoch: 3 } })).toThrow(expect.objectContaining({ argument: 'recipe.training.epoch' }));
    expect(() => parseTextClassifierRecipe({ ...dan, model: { ...model, vocabSize: 3 } })).toThrow(expect.objectContaining({ argument: 'recipe.model.vocabSize' }));
    expect(() => parseTextClassifierRecipe({ ...dan, model: { ...model, kind: 'tree' } })).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_NAME', argument: 'recipe.model.kind' }));
    expect(() => parseTextClassifierRecipe({ ...dan, training: { ...training, wordDropout: 1 } })).toThrow(expect.objectContaining({ argument: 'recipe.training.wordDropout' }));
    const cnn = read('sst2-cnn.json');
    expect(() => parseTextClassifierRecipe({ ...cnn, training: { ...(cnn['training'] as object), wordDropout: 0.1 } })).toThrow(expect.objectContaining({ argument: 'recipe.training.wordDropout' }));
    expect(() => parseTextClassifierRecipe({ ...dan, training: { ...training, optimizer: { type: 'adam', beta3: 1 } } })).toThrow(/beta3/);
    expect(() => parseTextClassifierRecipe({ ...dan, data: {} })).toThrow(expect.objectContaining({ argument: 'recipe.data.train' }));
  });
});
