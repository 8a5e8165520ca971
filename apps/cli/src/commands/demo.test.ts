import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArpaFile } from '@nlpkit/ngram/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../cliIo.js';
import { run } from '../program.js';
import type { DemoResult } from './demo/runDemo.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-demo-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nlpkit demo --quick', () => {
  let code: number;
  let out: string;
  let err: string;
  let result: DemoResult;
  beforeAll(async () => {
    const io = bufferIo();
    code = await run(['node', 'nlpkit', 'demo', '--quick', '--out', join(dir, 'run'), '--prompt', 'He said that', '--top', '5'], io);
    out = io.out.join('');
    err = io.err.join('');
    result = JSON.parse(readFileSync(join(dir, 'run', 'results.json'), 'utf8')) as DemoResult;
  }, 120_000);

  it('trains KN2…KN5 on part of Brown and prints their held-out perplexities in a table', () => {
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(result.corpus).toMatchObject({ name: 'brown', files: 100, vocabulary: 10_000 });
    expect(result.corpus.train.words).toBeGreaterThan(150_000);
    expect(result.rows.map((row) => row.model)).toEqual(['KN2', 'KN3', 'KN4', 'KN5', 'LSTM', 'LSTM+KN5']);
    const [kn2, kn3, , kn5] = result.rows;
    // Higher orders help on real text, and far less than from bigram to trigram.
    expect(kn3!.testPerplexity).toBeLessThan(kn2!.testPerplexity);
    expect(kn5!.testPerplexity).toBeLessThan(kn2!.testPerplexity);
    for (const row of result.rows) expect(row.testPerplexity).toBeGreaterThan(50);
    expect(out).toContain('KN: modified Kneser-Ney');
    for (const row of result.rows) expect(out).toMatch(new RegExp(`│ ${row.model.replace('+', '\\+')} +│.*│ +${row.testPerplexity.toFixed(1)} │`));
  });

  it('trains an LSTM within its budget and interpolates it with KN5, weights tuned on the validation files', () => {
    const lstm = result.rows.find((row) => row.model === 'LSTM')!;
    const mixed = result.rows.find((row) => row.model === 'LSTM+KN5')!;
    const kn5 = result.rows.find((row) => row.model === 'KN5')!;
    expect(lstm.seconds).toBeLessThan(30);
    expect(mixed.weights!['LSTM']! + mixed.weights!['KN5']!).toBeCloseTo(1, 9);
    // EM maximizes the validation likelihood: the mixture is no worse than either model there.
    // (EM stops within its tolerance, so a weight near 0 may leave it a hair above the better model.)
    expect(mixed.validPerplexity).toBeLessThanOrEqual(Math.min(kn5.validPerplexity, lstm.validPerplexity) * (1 + 1e-4));
    expect(out).toMatch(/│ LSTM\+KN5 │ λ\(LSTM\) = \d\.\d\d/);
    expect(Object.keys(result.next)).toEqual(['KN5', 'LSTM', 'LSTM+KN5']);
  });

  it('shows the next-word distribution after the prompt and seeded sampled sentences', () => {
    expect(result.prompt).toEqual(['he', 'said', 'that']);
    const next = result.next['KN5']!;
    expect(next).toHaveLength(5);
    expect(next.map((w) => w.probability)).toEqual([...next.map((w) => w.probability)].sort((a, b) => b - a));
    expect(out).toContain('Next word after "he said that"');
    expect(out).toContain(`${next[0]!.word}`);
    expect(result.generated).toHaveLength(3);
    for (const sentence of result.generated) expect(out).toContain(sentence);
  });

  it('says what it saved where: KN5 as ARPA and binary, the LSTM (nlpkit lm eval loads it), the vocabulary, results.json', async () => {
    const paths = result.saved.map((file) => file.path);
    for (const name of ['kn5.arpa', 'kn5.bin', 'vocabulary.json', 'lstm.safetensors']) expect(paths).toContain(join(dir, 'run', name));
    expect(out).toContain('results.json');
    for (const path of paths) expect(existsSync(path), path).toBe(true);
    expect(out).toContain('kn5.arpa');
    const model = await readArpaFile(join(dir, 'run', 'kn5.arpa'));
    expect(model.order).toBe(5);
    // The LSTM loads in `nlpkit lm eval`, as the demo says.
    const text = join(dir, 'eval.txt');
    writeFileSync(text, 'he said that the jury was right .\n');
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'eval', '--model', join(dir, 'run', 'lstm.safetensors'), '--input', text, '--sentences', '--json'], io)).toBe(0);
    expect((JSON.parse(io.out.join('')) as { perplexity: number }).perplexity).toBeGreaterThan(1);
  }, 60_000);

  it('--json prints the result as JSON; the same seed samples the same sentences; --lstm-seconds 0 leaves the LSTM out', async () => {
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'demo', '--quick', '--lstm-seconds', '0', '--json', '--out', join(dir, 'json'), '--prompt', 'he said that', '--top', '5'], io)).toBe(0);
    const json = JSON.parse(io.out.join('')) as DemoResult;
    expect(json.rows.map((row) => row.testPerplexity)).toEqual(result.rows.slice(0, 4).map((row) => row.testPerplexity));
    expect(json.notes).toEqual(['LSTM: not trained (--lstm-seconds 0)']);
    expect(json.generated).toEqual(result.generated);
    expect(json.saved.at(-1)!.path).toBe(join(dir, 'json', 'results.json'));
  }, 120_000);
});

describe('nlpkit demo (usage)', () => {
  it('has --help', async () => {
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'demo', '--help'], io)).toBe(0);
    expect(io.out.join('')).toContain('Usage: nlpkit demo [options]');
    expect(io.out.join('')).toContain('--quick');
  });

  it('a bad option value or an unknown option is a usage error (exit 2) before any work', async () => {
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'demo', '--top', '0', '--out', join(dir, 'never')], io)).toBe(2);
    expect(io.err.join('')).toContain('expected an integer from 1 to 100, got "0"');
    expect(existsSync(join(dir, 'never'))).toBe(false);
    const unknown = bufferIo();
    expect(await run(['node', 'nlpkit', 'demo', '--bogus'], unknown)).toBe(2);
    expect(unknown.err.join('')).toContain("unknown option '--bogus'");
  });
});
