import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisAvailability } from '@nlpkit/distributed/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../cliIo.js';
import { run } from '../program.js';
import { useInProcessCluster } from '../../test/inProcessCluster.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-eval-cluster-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const words = ['the', 'cat', 'dog', 'sat', 'on', 'mat', 'log', 'a', 'ran', 'to', 'rat', 'ate'];
const text = (n: number, shift: number): string =>
  `${Array.from({ length: n }, (_, i) => Array.from({ length: 1 + (i % 9) }, (_, k) => words[(i * 7 + k * k * 3 + (i >> 2) + shift) % words.length]).join(' ')).join('\n')}\n`;
const train = join(dir, 'train.txt');
const test = join(dir, 'test.txt');
writeFileSync(train, text(400, 0));
// Another text, with words the model never saw and an empty line.
writeFileSync(test, `${text(300, 5)}\nzebra cat quagga\n`);

describe('nlpkit ngram eval --cluster', redisAvailability().options, () => {
  const model = join(dir, 'model.arpa');
  const redis = useInProcessCluster(join(dir, 'shared'), async () => {
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '3', '--input', train, '--arpa', model, '--quiet'], bufferIo())).toBe(0);
  });

  const evaluate = async (extra: string[]): Promise<{ code: number; out: string; err: string }> => {
    const io = bufferIo();
    const code = await run(['node', 'nlpkit', 'ngram', 'eval', '--model', model, '--input', test, '--quiet', ...extra], io);
    return { code, out: io.out.join(''), err: io.err.join('') };
  };
  const cluster = (): string[] => ['--cluster', redis.url(), '--storage', join(dir, 'shared'), '--chunks', '3'];

  it('prints the same --json, byte for byte, as the single-process eval', async () => {
    const single = await evaluate(['--json']);
    const distributed = await evaluate(['--json', ...cluster()]);
    expect(single.code).toBe(0);
    expect(distributed.code).toBe(0);
    expect(distributed.out).toBe(single.out);
    expect(JSON.parse(single.out)).toMatchObject({ oov: 2, tokens: expect.any(Number) });
    expect(distributed.err).toMatch(/^run \S+: 3 chunks \(3 scored now\); per-line scores in the shared storage at .*shared\/runs\/.*\/scores\.tsv\n$/);
  });

  it('prints the same text report, and --output gets one score line per input line', async () => {
    const output = join(dir, 'per-line.tsv');
    const single = await evaluate([]);
    const distributed = await evaluate([...cluster(), '--output', output]);
    expect(distributed.code).toBe(0);
    expect(distributed.out).toBe(single.out);
    const lines = readFileSync(output, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(302);
    expect(lines[300]).toMatch(/^-[\d.]+\t1\t0$/); // the empty line: </s> only
    expect(lines[301]).toMatch(/^-[\d.]+\t4\t2$/);
  });

  it('--run: the same run again scores nothing and prints the same report', async () => {
    const single = await evaluate(['--json']);
    const first = await evaluate(['--json', ...cluster(), '--run', 'cli-resume']);
    const again = await evaluate(['--json', ...cluster(), '--run', 'cli-resume']);
    expect([first.out, again.out]).toEqual([single.out, single.out]);
    expect(first.err).toMatch(/^run cli-resume: 3 chunks \(3 scored now\)/);
    expect(again.err).toMatch(/^run cli-resume: 3 chunks \(0 scored now\)/);
  });
});

describe('nlpkit ngram train --smoothing stupid --cluster', redisAvailability().options, () => {
  const redis = useInProcessCluster(join(dir, 'shared-sb'));

  it('writes the single-process stupid-backoff file byte for byte; eval --cluster refuses it (exit 2)', async () => {
    const single = join(dir, 'single.sb');
    const distributed = join(dir, 'distributed.sb');
    const base = ['node', 'nlpkit', 'ngram', 'train', '--order', '4', '--input', train, '--smoothing', 'stupid', '--alpha', '0.5', '--quiet'];
    expect(await run([...base, '--output', single], bufferIo())).toBe(0);
    const io = bufferIo();
    const args = [...base, '--output', distributed, '--cluster', redis.url(), '--storage', join(dir, 'shared-sb'), '--shards', '3'];
    expect(await run(args, io), io.err.join('')).toBe(0);
    expect(readFileSync(distributed, 'utf8')).toBe(readFileSync(single, 'utf8'));
    expect(io.out.join('')).toMatch(/^wrote .*distributed\.sb \(stupid backoff, alpha 0\.5, order 4, on the cluster: 3 shards; 1-grams: \d+, 2-grams: \d+, 3-grams: \d+, 4-grams: \d+\)\nrun \S+: the stupid-backoff file is also in the shared storage at /);
    const refused = bufferIo();
    const evalArgs = ['node', 'nlpkit', 'ngram', 'eval', '--model', distributed, '--input', test, '--cluster', redis.url(), '--storage', join(dir, 'shared-sb')];
    expect(await run(evalArgs, refused)).toBe(2);
    expect(refused.err.join('')).toContain('is a stupid-backoff file: its numbers are scores, not probabilities');
  }, 60_000);
});

describe('nlpkit ngram eval --cluster: refused option combinations (exit 2)', () => {
  const cases: [string, string[]][] = [
    ['--storage without --cluster', ['--input', test, '--storage', dir]],
    ['--output without --cluster', ['--input', test, '--output', join(dir, 'x.tsv')]],
    ['--run without --cluster', ['--input', test, '--run', 'r1']],
    ['--cluster without --storage', ['--input', test, '--cluster', 'redis://h:1']],
    ['--cluster with standard input', ['--cluster', 'redis://h:1', '--storage', dir]],
  ];
  for (const [name, extra] of cases) {
    it(name, async () => {
      const io = bufferIo();
      expect(await run(['node', 'nlpkit', 'ngram', 'eval', '--model', join(dir, 'model.arpa'), ...extra], io)).toBe(2);
      expect(io.err.join('')).toMatch(/--cluster|--storage/);
    });
  }
});
