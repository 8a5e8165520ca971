import { readFileSync } from 'node:fs';
import { UnknownNameError } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { parseSeq2seqRecipe, seq2seqRecipeConfig, seq2seqRecipeTraining } from './seq2seqRecipe.js';

const recipeFile = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../../recipes/${name}.json`, import.meta.url), 'utf8')) as unknown;

describe('parseSeq2seqRecipe', () => {
  it('reads the committed recipes', () => {
    for (const name of ['multi30k-de-en', 'reverse-tiny']) {
      const r = parseSeq2seqRecipe(recipeFile(name));
      expect(r.name).toBe(name);
      const config = seq2seqRecipeConfig(r, 100, 90);
      expect(config.sourceVocabSize).toBe(100);
      const { optimizer, lr } = seq2seqRecipeTraining(r);
      expect(optimizer.kind).toBe('adam');
      expect(lr({ epoch: 0, step: 0 })).toBeGreaterThan(0);
      optimizer.dispose();
    }
    const m = parseSeq2seqRecipe(recipeFile('multi30k-de-en'));
    expect(m.model).toMatchObject({ attention: 'bahdanau', bidirectional: true, embeddingSize: 256, dropout: 0.3 });
  });

  it('refuses unknown keys, names and missing fields, naming the recipe key', () => {
    const base = recipeFile('reverse-tiny') as Record<string, Record<string, unknown>>;
    const edit = (path: [string, string], value: unknown): unknown => ({ ...base, [path[0]]: { ...base[path[0]], [path[1]]: value } });
    expect(() => parseSeq2seqRecipe(edit(['model', 'attention'], 'luong'))).toThrow(UnknownNameError);
    expect(() => parseSeq2seqRecipe(edit(['model', 'attention'], 'luong'))).toThrow(/recipe\.model\.attention/);
    expect(() => parseSeq2seqRecipe(edit(['model', 'sourceVocabSize'], 10))).toThrow(/recipe\.model\.sourceVocabSize/);
    expect(() => parseSeq2seqRecipe(edit(['training', 'batchsize'], 10))).toThrow(/recipe\.training\.batchsize/);
    expect(() => parseSeq2seqRecipe(edit(['training', 'epochs'], -1))).toThrow(/recipe\.training\.epochs/);
    expect(() => parseSeq2seqRecipe(edit(['data', 'sourceLanguage'], undefined))).toThrow(/recipe\.data\.sourceLanguage/);
    expect(() => parseSeq2seqRecipe(edit(['data', 'valid'], undefined))).toThrow(/recipe\.training\.validBleu/);
    expect(() => parseSeq2seqRecipe(edit(['training', 'lr'], { schedule: 'cosine' }))).toThrow(/recipe\.training\.lr\.schedule/);
  });
});
