import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@nlpkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../cliIo.js';
import { run } from '../program.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-classify-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A separable toy task: the label says whether a text holds a positive or a negative word.
const POS = ['great', 'moving', 'funny'];
const NEG = ['dull', 'awful', 'boring'];
const FILL = ['the', 'film', 'a', 'plot', 'is', 'and', 'story'];
function tsv(n: number, seed: number): string {
  const rng = createRng(seed);
  const next = (k: number): number => rng.int(k);
  const rows = ['sentence\tlabel'];
  for (let i = 0; i < n; i++) {
    const label = next(2);
    const words = Array.from({ length: 1 + next(6) }, () => FILL[next(FILL.length)] as string);
    words.splice(next(words.length + 1), 0, (label === 1 ? POS : NEG)[next(3)] as string);
    rows.push(`${words.join(' ')} \t${label}`);
  }
  return `${rows.join('\n')}\n`;
}
writeFileSync(join(dir, 'train.tsv'), tsv(300, 1));
writeFileSync(join(dir, 'dev.tsv'), tsv(60, 2));
const recipe = {
  name: 'toy-dan',
  data: { train: 'train.tsv', valid: 'dev.tsv' },
  model: { kind: 'dan', embeddingSize: 8, hiddenSizes: [8], activation: 'relu', lowercase: true },
  training: { seed: 1, batchSize: 16, epochs: 4, optimizer: { type: 'adam' }, lr: { schedule: 'constant', lr: 0.02 }, clipNorm: 5, dropout: 0.1, wordDropout: 0.1, logEvery: 5, checkpointEvery: 7 },
  artifact: { dtype: 'float32' },
};
writeFileSync(join(dir, 'toy.json'), JSON.stringify(recipe));
const out = join(dir, 'run');

describe('nlpkit classify', () => {
  it('train runs a recipe into a run folder, resumes from its checkpoint, and a finished folder is left as is', async () => {
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'classify', 'train', '--recipe', join(dir, 'toy.json'), '--out', out], io)).toBe(0);
    expect(io.out.join('')).toMatch(/^wrote .*model\.safetensors \(valid accuracy [\d.]+, macro-F1 [\d.]+, \d+ s\)\n$/);
    const err = io.err.join('');
    expect(err).toMatch(/epoch 1 step \d+\/19 \| loss [\d.]+ \| \d+ examples\/s \| lr 0\.02/);
    expect(err).toMatch(/epoch 4 done \| valid accuracy [\d.]+ macro-F1 [\d.]+/);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { validAccuracy: number; step: number };
    expect(result.validAccuracy).toBeGreaterThan(0.9);
    expect(result.step).toBe(4 * 19);
    const curve = readFileSync(join(out, 'curve.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(curve.filter((c) => c.type === 'epoch')).toHaveLength(4);
    const again = bufferIo();
    expect(await run(['node', 'nlpkit', 'classify', 'train', '--out', out, '--quiet'], again)).toBe(0);
    expect(again.err.join('')).toBe('');
    // Without its result the folder resumes from the last checkpoint (the end) and reports the same scores.
    rmSync(join(out, 'result.json'));
    const resumed = bufferIo();
    expect(await run(['node', 'nlpkit', 'classify', 'train', '--out', out], resumed)).toBe(0);
    expect(resumed.err.join('')).toContain('resuming at epoch 5, step 76');
    expect((JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { validAccuracy: number }).validAccuracy).toBe(result.validAccuracy);
  });

  it('eval --json gives {accuracy, macroF1} as fractions, equal to what training reported', async () => {
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'classify', 'eval', '--model', out, '--input', join(dir, 'dev.tsv'), '--json'], io)).toBe(0);
    const report = JSON.parse(io.out.join('')) as Record<string, number>;
    expect(Object.keys(report)).toEqual(['accuracy', 'macroF1']);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { validAccuracy: number; validMacroF1: number };
    expect(report['accuracy']).toBeCloseTo(result.validAccuracy, 12);
    expect(report['macroF1']).toBeCloseTo(result.validMacroF1, 12);
    expect(report['accuracy']).toBeLessThanOrEqual(1);
  });

  it('predict labels one text per line, or a TSV by its sentence column', async () => {
    writeFileSync(join(dir, 'texts.txt'), 'a GREAT film\nthe plot is awful\n');
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'classify', 'predict', '--model', join(out, 'model.safetensors'), '--input', join(dir, 'texts.txt')], io)).toBe(0);
    expect(io.out.join('')).toBe('1\n0\n');
    const fromTsv = bufferIo();
    expect(await run(['node', 'nlpkit', 'classify', 'predict', '--model', out, '--input', join(dir, 'dev.tsv'), '--probability'], fromTsv)).toBe(0);
    const lines = fromTsv.out.join('').trim().split('\n');
    expect(lines).toHaveLength(60);
    for (const line of lines) expect(line).toMatch(/^[01]\t(0\.[5-9]\d*|1\.0+)$/);
  });

  it('bad input: one line on stderr and an exit code, never a stack', async () => {
    const missing = bufferIo();
    expect(await run(['node', 'nlpkit', 'classify', 'eval', '--model', join(dir, 'nope'), '--input', join(dir, 'dev.tsv')], missing)).toBe(1);
    expect(missing.err.join('')).toMatch(/^nlpkit classify: .*does not exist\n$/);
    writeFileSync(join(dir, 'bad-header.tsv'), 'text\tlabel\ngood\t1\n');
    const header = bufferIo();
    expect(await run(['node', 'nlpkit', 'classify', 'eval', '--model', out, '--input', join(dir, 'bad-header.tsv')], header)).toBe(1);
    expect(header.err.join('')).toContain('header (line 1) must be columns "sentence" and "label" separated by a tab');
    writeFileSync(join(dir, 'unknown.tsv'), 'sentence\tlabel\ngood\t7\n');
    const unknown = bufferIo();
    expect(await run(['node', 'nlpkit', 'classify', 'eval', '--model', out, '--input', join(dir, 'unknown.tsv')], unknown)).toBe(1);
    expect(unknown.err.join('')).toContain('label "7", which the model does not know (labels: 0, 1)');
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...recipe, model: { ...recipe.model, kind: 'tree' } }));
    const badKind = bufferIo();
    expect(await run(['node', 'nlpkit', 'classify', 'train', '--recipe', join(dir, 'bad.json'), '--out', join(dir, 'bad')], badKind)).toBe(2);
    expect(badKind.err.join('')).toContain('recipe.model.kind must be one of rnn, dan, cnn, got "tree"');
    const noRecipe = bufferIo();
    expect(await run(['node', 'nlpkit', 'classify', 'train', '--out', join(dir, 'empty')], noRecipe)).toBe(2);
    expect(noRecipe.err.join('')).toContain('--recipe is needed');
    writeFileSync(join(dir, 'empty.tsv'), 'sentence\tlabel\n');
    writeFileSync(join(dir, 'empty.json'), JSON.stringify({ ...recipe, data: { train: 'empty.tsv' } }));
    const empty = bufferIo();
    expect(await run(['node', 'nlpkit', 'classify', 'train', '--recipe', join(dir, 'empty.json'), '--out', join(dir, 'e2')], empty)).toBe(1);
    expect(empty.err.join('')).toContain('must hold at least one labelled row after the header, got nothing');
  });
});
