import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UnknownNameError } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { RnnOptionError } from '../errors.js';
import { parseRecurrentLmRecipe, recipeOptimizer, recipeSchedule } from './recurrentLmRecipe.js';

const read = (name: string): unknown => JSON.parse(readFileSync(fileURLToPath(new URL(`../../../../recipes/${name}`, import.meta.url)), 'utf8'));

describe('recurrent LM recipes', () => {
  it('recipes/ptb-small.json is Zaremba et al. (2014) small: 2×200 LSTM, BPTT 20, batch 20, lr 1 halved after epoch 4, clip 5, 13 epochs', () => {
    const r = parseRecurrentLmRecipe(read('ptb-small.json'));
    expect(r.model).toMatchObject({ embeddingSize: 200, hiddenSize: 200, layers: 2, cell: { type: 'lstm' }, initScale: 0.1 });
    expect(r.training).toMatchObject({ batchSize: 20, bptt: 20, epochs: 13, loss: 'sumOverTime', clipNorm: 5, dropout: 0 });
    const lr = recipeSchedule(r);
    expect(Array.from({ length: 13 }, (_, epoch) => lr({ epoch, step: 0 }))).toEqual([1, 1, 1, 1, 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625, 0.001953125]);
    const opt = recipeOptimizer(r);
    expect(opt.kind).toBe('sgd');
    opt.dispose();
    expect(parseRecurrentLmRecipe(read('tiny.json')).name).toBe('tiny');
    expect(parseRecurrentLmRecipe(read('ptb-small-dropout.json')).training).toMatchObject({ dropout: 0.25, batchSize: 20, bptt: 20 });
  });

  it('refuses unknown keys, unknown names and out-of-range values, naming the recipe key', () => {
    const base = read('tiny.json') as { model: object; training: object };
    expect(() => parseRecurrentLmRecipe({ ...base, modle: {} })).toThrow('recipe.modle');
    expect(() => parseRecurrentLmRecipe({ ...base, model: { ...base.model, cell: { type: 'lstn' } } })).toThrow(UnknownNameError);
    expect(() => parseRecurrentLmRecipe({ ...base, training: { ...base.training, bptt: 0 } })).toThrow('recipe.training.bptt must be an integer from 1 to 65536, got 0');
    expect(() => parseRecurrentLmRecipe({ ...base, training: { ...base.training, loss: 'mean' } })).toThrow(RnnOptionError);
    expect(() => parseRecurrentLmRecipe({ ...base, training: { ...base.training, optimizer: { type: 'sgd', momentm: 0.9 } } })).toThrow(/momentm/);
    expect(() => parseRecurrentLmRecipe([])).toThrow(RnnOptionError);
  });
});
