import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { estimateKneserNey, evaluatePerplexity } from '@nlpkit/ngram';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../program.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-ngram-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const train = join(dir, 'train.txt');
const test = join(dir, 'test.txt');
const arpa = join(dir, 'model.arpa');
const TRAIN = ['the cat sat on the mat', 'the dog sat on the log', 'a cat ate the rat', 'the rat ran', 'a dog ran to the cat'];
writeFileSync(train, `${TRAIN.join('\n')}\n`);
writeFileSync(test, 'the cat ran\nthe zebra sat on the mat\n');

describe('nlpkit ngram', () => {
  it('train writes an ARPA file and reports the fallback discounts of toy data', async () => {
    const { io, out, err } = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '3', '--input', train, '--arpa', arpa], io)).toBe(0);
    expect(readFileSync(arpa, 'utf8')).toMatch(/^\\data\\\nngram 1=\d+\nngram 2=\d+\nngram 3=\d+\n/);
    expect(out.join('')).toContain('wrote');
    expect(err.join('')).toContain('fallback');
  });

  it('eval --json prints exactly one JSON object equal to the library result', async () => {
    const { io, out } = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'eval', '--model', arpa, '--input', test, '--json'], io)).toBe(0);
    const text = out.join('');
    expect(text.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(text) as Record<string, number>;
    expect(Object.keys(report)).toEqual(['perplexity', 'perplexityExcludingOov', 'tokens', 'oov']);
    const { model } = estimateKneserNey(TRAIN.map((s) => s.split(' ')), { order: 3 });
    const expected = evaluatePerplexity(model, [['the', 'cat', 'ran'], ['the', 'zebra', 'sat', 'on', 'the', 'mat']]);
    expect(report.tokens).toBe(11);
    expect(report.oov).toBe(1);
    // The ARPA file stores float32 numbers, so the file-based result matches the in-memory one to ~1e-6.
    expect(report.perplexity).toBeCloseTo(expected.perplexity, 4);
    expect(report.perplexityExcludingOov).toBeCloseTo(expected.perplexityExcludingOov, 4);
  });

  it('query prints word=id length log10p per token and the total', async () => {
    const { io, out } = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--model', arpa, 'the', 'zebra'], io)).toBe(0);
    const line = out.join('');
    expect(line).toMatch(/^the=\d+ 2 -[\d.]+\tzebra=0 1 -[\d.]+\t<\/s>=2 \d -[\d.]+\tTotal: -[\d.]+ OOV: 1\n$/);
  });

  it('generate is reproducible for a seed', async () => {
    const a = capture();
    const b = capture();
    const args = ['node', 'nlpkit', 'ngram', 'generate', '--model', arpa, '--seed', '7', '--count', '3'];
    expect(await run(args, a.io)).toBe(0);
    expect(await run(args, b.io)).toBe(0);
    expect(a.out.join('')).toBe(b.out.join(''));
    expect(a.out).toHaveLength(3);
  });

  it('trains every ARPA-expressible smoothing and refuses add-k with a reason', async () => {
    for (const smoothing of ['kn', 'wb', 'katz', 'abs', 'mle']) {
      const { io } = capture();
      const path = join(dir, `${smoothing}.arpa`);
      expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '2', '--input', train, '--arpa', path, '--smoothing', smoothing], io)).toBe(0);
      const scored = capture();
      expect(await run(['node', 'nlpkit', 'ngram', 'eval', '--model', path, '--input', train, '--json'], scored.io)).toBe(0);
      const report = JSON.parse(scored.out.join('')) as { perplexity: number };
      expect(report.perplexity).toBeGreaterThan(1);
    }
    const addK = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '2', '--input', train, '--arpa', arpa, '--smoothing', 'add-k'], addK.io)).toBe(1);
    expect(addK.err.join('')).toContain('cannot express');
  });

  it('fails with exit code 1 and a message for a missing file or bad order', async () => {
    const missing = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'eval', '--model', join(dir, 'nope.arpa'), '--input', test], missing.io)).toBe(1);
    expect(missing.err.join('')).toContain('nope.arpa');
    const bad = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '0', '--input', train, '--arpa', arpa], bad.io)).not.toBe(0);
    expect(bad.err.join('')).toContain('--order must be an integer');
  });
});

const ptb = fileURLToPath(new URL('../../../../../shared/data/ptb/', import.meta.url));
const hasPtb = existsSync(join(ptb, 'ptb.train.txt'));
if (process.env.NLPKIT_REQUIRE_SHARED_DATA === '1' && !hasPtb) throw new Error(`NLPKIT_REQUIRE_SHARED_DATA=1 but ${ptb} is missing`);

describe.skipIf(!hasPtb)('nlpkit ngram on PTB (skipped: ../shared/data/ptb missing)', () => {
  it('train --order 2 then eval --json gives KenLM perplexity 185.70 ± 0.01', async () => {
    // KenLM was run with <unk> renamed to UNK (it refuses a literal <unk> in training text).
    const rename = (f: string): string => {
      const path = join(dir, f);
      writeFileSync(path, readFileSync(join(ptb, f), 'utf8').replaceAll('<unk>', 'UNK'));
      return path;
    };
    const model = join(dir, 'ptb2.arpa');
    const quiet = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '2', '--input', rename('ptb.train.txt'), '--arpa', model], quiet.io)).toBe(0);
    const { io, out } = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'eval', '--model', model, '--input', rename('ptb.test.txt'), '--json'], io)).toBe(0);
    const report = JSON.parse(out.join('')) as { perplexity: number; tokens: number; oov: number };
    expect(report.tokens).toBe(82430);
    expect(report.oov).toBe(0);
    expect(Math.abs(report.perplexity - 185.7)).toBeLessThanOrEqual(0.01);
  });
});
