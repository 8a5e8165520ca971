import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { evaluatePerplexity } from '@nlpkit/core';
import { initBackend } from '@nlpkit/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RnnOptionError } from '../errors.js';
import { readRecurrentLmFile } from './recurrentLmFile.js';
import { RUN_FILES, recipeDirOf, trainRecurrentLmRun } from './trainRecurrentLmRun.js';

const recipePath = fileURLToPath(new URL('../../../../recipes/tiny.json', import.meta.url));
const recipe = JSON.parse(readFileSync(recipePath, 'utf8')) as Record<string, unknown>;
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'nlpkit-lm-run-'));
  dirs.push(d);
  return d;
};

describe('trainRecurrentLmRun (run folder)', () => {
  beforeAll(async () => {
    await initBackend({ only: 'cpu', env: {} });
  });
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('an interrupted run resumes from its folder and ends with the same model as an uninterrupted one', async () => {
    const straight = join(tempDir(), 'run');
    const a = await trainRecurrentLmRun({ recipe, recipeDir: recipeDirOf(recipePath), out: straight });
    expect(a).toMatchObject({ stopped: 'completed', resumed: false, epoch: 3 });
    expect(a.testPerplexity).toBeGreaterThan(1);
    for (const f of Object.values(RUN_FILES)) expect(existsSync(join(straight, f)), f).toBe(true);

    const out = join(tempDir(), 'run');
    const ac = new AbortController();
    const first = await trainRecurrentLmRun({
      recipe, recipeDir: recipeDirOf(recipePath), out, signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'checkpoint' && e.step === 50) ac.abort();
      },
    });
    expect(first).toMatchObject({ stopped: 'aborted', step: 50 });
    expect(existsSync(join(out, RUN_FILES.result))).toBe(false);
    const events: string[] = [];
    // No recipe: the folder's own is used.
    const second = await trainRecurrentLmRun({ out, onEvent: (e) => events.push(e.type) });
    expect(events[0]).toBe('resume');
    expect(second).toMatchObject({ stopped: 'completed', resumed: true, step: a.step });
    expect(second.testPerplexity).toBe(a.testPerplexity);
    expect(readFileSync(join(out, RUN_FILES.model))).toEqual(readFileSync(join(straight, RUN_FILES.model)));
    // The curve holds each window once, in order, even across the interruption.
    const curve = readFileSync(join(out, RUN_FILES.curve), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; step: number });
    const steps = curve.filter((c) => c.type === 'step').map((c) => c.step);
    expect(steps).toEqual([...steps].sort((x, y) => x - y));
    expect(new Set(steps).size).toBe(steps.length);
    expect(curve.filter((c) => c.type === 'epoch')).toHaveLength(3);
    // A finished folder returns its result without training.
    expect(await trainRecurrentLmRun({ out })).toMatchObject({ stopped: 'completed', step: a.step });

    const model = await readRecurrentLmFile(join(out, RUN_FILES.model));
    const r = evaluatePerplexity(model.model, [['the', 'cat', 'sees', 'the', 'ball']]);
    expect(r.tokens).toBe(6);
    expect(JSON.parse(model.meta['recipe'] ?? '{}')).toMatchObject({ name: 'tiny' });
    model.dispose();
    expect(tf.memory().numTensors).toBeLessThan(50);
  });

  it('refuses a different recipe for an existing folder, a missing recipe, unknown recipe keys and missing data', async () => {
    const out = join(tempDir(), 'run');
    await trainRecurrentLmRun({ recipe: { ...recipe, training: { ...(recipe['training'] as object), epochs: 0 } }, recipeDir: recipeDirOf(recipePath), out });
    await expect(trainRecurrentLmRun({ recipe, recipeDir: recipeDirOf(recipePath), out })).rejects.toThrow(RnnOptionError);
    await expect(trainRecurrentLmRun({ out: join(tempDir(), 'none') })).rejects.toThrow(/options.recipe must be a recipe/);
    await expect(trainRecurrentLmRun({ recipe: { ...recipe, trainng: {} }, out: join(tempDir(), 'x') })).rejects.toThrow('recipe.trainng');
    await expect(trainRecurrentLmRun({ recipe: { ...recipe, training: { ...(recipe['training'] as object), lr: { schedule: 'cosine' } } }, out: join(tempDir(), 'x') })).rejects.toThrow(
      'recipe.training.lr.schedule must be one of constant, zaremba, exponential, got "cosine"',
    );
    const d = tempDir();
    writeFileSync(join(d, 'r.json'), '{}');
    await expect(trainRecurrentLmRun({ recipe, recipeDir: d, out: join(d, 'run') })).rejects.toThrow(/recipe.data.train must be an existing file/);
  });
});
