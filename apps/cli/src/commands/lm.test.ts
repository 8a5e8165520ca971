import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { estimateKneserNey } from '@nlpkit/ngram';
import { writeArpaFile } from '@nlpkit/ngram/node';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../cliIo.js';
import { run } from '../program.js';

const recipe = fileURLToPath(new URL('../../../../recipes/tiny.json', import.meta.url));
const testFile = fileURLToPath(new URL('../../../../recipes/tiny/test.txt', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nlpkit-lm-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'run');

describe('nlpkit lm', () => {
  it('train runs a recipe into a run folder (progress lines on stderr, the artifact on stdout), and a second call finds it done', async () => {
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'train', '--recipe', recipe, '--out', out], io)).toBe(0);
    expect(io.out.join('')).toMatch(/^wrote .*model\.safetensors \(valid perplexity [\d.]+, test perplexity [\d.]+, \d+ tokens in \d+ s\)\n$/);
    const err = io.err.join('');
    expect(err).toMatch(/epoch 1 step \d+\/\d+ \| loss [\d.]+ ppl [\d.]+ \| \d+ tok\/s \| lr 0\.5/);
    expect(err).toMatch(/epoch 3 done \| valid perplexity [\d.]+/);
    const curve = readFileSync(join(out, 'curve.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(curve.filter((c) => c.type === 'epoch')).toHaveLength(3);
    const again = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'train', '--out', out, '--quiet'], again)).toBe(0);
    expect(again.err.join('')).toBe('');
  });

  it('eval --json gives {perplexity, tokens, oov} counting one </s> per line, in stream and sentence modes', async () => {
    writeFileSync(join(dir, 'eval.txt'), 'the cat sees the ball\na zebra likes the park\n');
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'eval', '--model', out, '--input', join(dir, 'eval.txt'), '--json'], io)).toBe(0);
    const report = JSON.parse(io.out.join('')) as Record<string, number>;
    expect(Object.keys(report)).toEqual(['perplexity', 'tokens', 'oov']);
    expect(report).toMatchObject({ tokens: 12, oov: 1 });
    const sentences = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'eval', '--model', join(out, 'model.safetensors'), '--input', join(dir, 'eval.txt'), '--json', '--sentences'], sentences)).toBe(0);
    const r2 = JSON.parse(sentences.out.join('')) as Record<string, number>;
    expect(r2).toMatchObject({ tokens: 12, oov: 1 });
    // The test set through the CLI gives the test perplexity the run folder reports.
    const test = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'eval', '--model', out, '--input', testFile, '--json', '--batch-size', '4', '--bptt', '8'], test)).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { testPerplexity: number };
    expect((JSON.parse(test.out.join('')) as { perplexity: number }).perplexity).toBeCloseTo(result.testPerplexity, 3);
  });

  it('score prints what eval --sentences prints, and --output gets one score line per input line (blank lines: empty)', async () => {
    writeFileSync(join(dir, 'score.txt'), 'the cat sees the ball\n\na zebra likes the park\n');
    const expected = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'eval', '--model', out, '--input', join(dir, 'score.txt'), '--sentences', '--json'], expected)).toBe(0);
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'score', '--model', out, '--input', join(dir, 'score.txt'), '--json', '--output', join(dir, 'scores.tsv')], io)).toBe(0);
    expect(io.out.join('')).toBe(expected.out.join(''));
    const lines = readFileSync(join(dir, 'scores.tsv'), 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^-[\d.]+\t6\t0$/);
    expect(lines[1]).toBe('');
    expect(lines[2]).toMatch(/^-[\d.]+\t6\t1$/);
    const sum = lines.filter((l) => l !== '').reduce((total, l) => total + Number(l.split('\t')[0]), 0);
    expect((JSON.parse(io.out.join('')) as { perplexity: number }).perplexity).toBe(10 ** (-sum / 12));
    const text = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'score', '--model', out, '--input', join(dir, 'score.txt')], text)).toBe(0);
    expect(text.out.join('')).toMatch(/^Perplexity:\t[\d.]+\nTokens:\t12\nOOVs:\t1\n$/);
    const empty = bufferIo();
    writeFileSync(join(dir, 'blank.txt'), '\n\n');
    expect(await run(['node', 'nlpkit', 'lm', 'score', '--model', out, '--input', join(dir, 'blank.txt')], empty)).toBe(1);
    expect(empty.err.join('')).toMatch(/holds no sentence/);
  });

  it('interpolate tunes the weights with an n-gram model by EM and reports the mixture beside both models', async () => {
    const trainFile = fileURLToPath(new URL('../../../../recipes/tiny/train.txt', import.meta.url));
    const sentences = readFileSync(trainFile, 'utf8').trim().split('\n').map((l) => l.split(' '));
    const arpa = join(dir, 'kn3.arpa');
    await writeArpaFile(estimateKneserNey(sentences, { order: 3 }).model, arpa);
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'interpolate', '--model', out, '--arpa', arpa, '--tune', testFile, '--input', testFile, '--json'], io)).toBe(0);
    const r = JSON.parse(io.out.join('')) as { weights: number[]; perplexity: number; modelPerplexity: number; ngramPerplexity: number; tokens: number };
    expect(r.weights).toHaveLength(2);
    expect(r.weights[0]! + r.weights[1]!).toBeCloseTo(1, 9);
    // Tuned on the text it is evaluated on, EM cannot do worse than either model alone.
    expect(r.perplexity).toBeLessThanOrEqual(Math.min(r.modelPerplexity, r.ngramPerplexity) * (1 + 1e-9));
  });

  it('generate is seeded: the same seed gives the same text; --prompt starts it', async () => {
    const a = bufferIo();
    const b = bufferIo();
    const args = ['node', 'nlpkit', 'lm', 'generate', '--model', out, '--seed', '3', '--count', '2', '--prompt', 'the cat', '--top-k', '5', '--temperature', '0.8'];
    expect(await run(args, a)).toBe(0);
    expect(await run(args, b)).toBe(0);
    expect(a.out.join('')).toBe(b.out.join(''));
    const lines = a.out.join('').trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.startsWith('the cat')).toBe(true);
  });

  it('bad input: one line on stderr and an exit code, never a stack', async () => {
    const missing = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'eval', '--model', join(dir, 'nope'), '--input', testFile], missing)).toBe(1);
    expect(missing.err.join('')).toMatch(/^nlpkit lm: .*does not exist\n$/);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...JSON.parse(readFileSync(recipe, 'utf8')), model: { embeddingSize: 4, hiddenSize: 4, layers: 1, cell: { type: 'lstn' } } }));
    const badCell = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'train', '--recipe', join(dir, 'bad.json'), '--out', join(dir, 'bad')], badCell)).toBe(2);
    expect(badCell.err.join('')).toContain('cell.type must be one of lstm, gru, rnn, got "lstn"');
    const noRecipe = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'train', '--out', join(dir, 'empty')], noRecipe)).toBe(2);
    expect(noRecipe.err.join('')).toContain('--recipe is needed');
    const topP = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'generate', '--model', out, '--top-p', '2'], topP)).toBe(2);
  });
});
