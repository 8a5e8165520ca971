import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { seq2seqDecoderSession } from '../model/seq2seqDecoderSession.js';
import { readSeq2seqFile } from './seq2seqFile.js';
import { trainSeq2seqRun } from './trainSeq2seqRun.js';

const recipesDir = new URL('../../../../recipes/', import.meta.url).pathname;
const recipe = { ...(JSON.parse(readFileSync(join(recipesDir, 'reverse-tiny.json'), 'utf8')) as Record<string, Record<string, unknown>>) };
// Two epochs keep the test short; the run folder's behaviour does not depend on the count.
const short = { ...recipe, training: { ...recipe['training'], epochs: 2 } };

describeBackends(
  'trainSeq2seqRun',
  () => {
    it('writes a run folder; stopped and resumed it ends with the same model as an uninterrupted run', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'nlpkit-s2s-'));
      try {
        const full = await trainSeq2seqRun({ out: join(dir, 'full'), recipe: short, recipeDir: recipesDir });
        expect(full.stopped).toBe('completed');
        expect(full.testBleu).toBeGreaterThanOrEqual(0);
        expect(full.validBleu).toBeGreaterThanOrEqual(0);
        const controller = new AbortController();
        const first = await trainSeq2seqRun({
          out: join(dir, 'cut'), recipe: short, recipeDir: recipesDir, signal: controller.signal,
          onEvent: (e) => e.type === 'step' && e.step >= 15 && controller.abort(),
        });
        expect(first.stopped).toBe('aborted');
        const events: string[] = [];
        const second = await trainSeq2seqRun({ out: join(dir, 'cut'), onEvent: (e) => events.push(e.type) });
        expect(events[0]).toBe('resume');
        expect(second.stopped).toBe('completed');
        expect(second.resumed).toBe(true);
        expect(await readFile(join(dir, 'cut', 'model.safetensors'))).toEqual(await readFile(join(dir, 'full', 'model.safetensors')));
        expect(second.testBleu).toBe(full.testBleu);
        const curve = (await readFile(join(dir, 'cut', 'curve.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string; step: number });
        expect(curve.map((l) => `${l.type}:${l.step}`)).toEqual(
          (await readFile(join(dir, 'full', 'curve.jsonl'), 'utf8')).trim().split('\n').map((l) => { const j = JSON.parse(l) as { type: string; step: number }; return `${j.type}:${j.step}`; }),
        );
        // A finished folder returns its result; a different recipe is refused.
        expect(await trainSeq2seqRun({ out: join(dir, 'full') })).toEqual(full);
        await expect(trainSeq2seqRun({ out: join(dir, 'full'), recipe: { ...short, name: 'other' }, recipeDir: recipesDir })).rejects.toThrow(/options\.recipe/);
        const model = await readSeq2seqFile(full.modelPath);
        const session = seq2seqDecoderSession(model, [model.sourceVocabulary.encode(['a', 'b'], { eos: true })]);
        expect(session.maxSourceLength).toBe(3);
        session.dispose();
        model.dispose();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  },
  // Files and resumption are backend-independent; wasm only (the fastest backend on these small shapes) keeps the test short.
  { backends: ['wasm'] },
);
