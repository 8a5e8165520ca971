import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisAvailability } from '@nlpkit/distributed/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../cliIo.js';
import { run } from '../program.js';
import { useInProcessCluster } from '../../test/inProcessCluster.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-cluster-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const corpus = join(dir, 'train.txt');
const words = ['the', 'cat', 'dog', 'sat', 'on', 'mat', 'log', 'a', 'ran', 'to', 'rat', 'ate'];
writeFileSync(corpus, `${Array.from({ length: 400 }, (_, i) => Array.from({ length: 2 + (i % 9) }, (_, k) => words[(i * 7 + k * k * 3 + (i >> 2)) % words.length]).join(' ')).join('\n')}\n`);

describe('nlpkit cluster worker + nlpkit ngram train --cluster', redisAvailability().options, () => {
  const redis = useInProcessCluster(join(dir, 'shared'));

  it('writes the ARPA file `ngram train` writes, and prints where the run left it', async () => {
    const single = join(dir, 'single.arpa');
    const clustered = join(dir, 'cluster.arpa');
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '3', '--input', corpus, '--arpa', single, '--quiet'], bufferIo())).toBe(0);
    const io = bufferIo();
    const args = ['ngram', 'train', '--order', '3', '--input', corpus, '--arpa', clustered, '--cluster', redis.url(), '--storage', join(dir, 'shared'), '--shards', '3', '--quiet'];
    expect(await run(['node', 'nlpkit', ...args], io)).toBe(0);
    expect(readFileSync(clustered, 'utf8')).toBe(readFileSync(single, 'utf8'));
    const out = io.out.join('');
    expect(out).toMatch(/^wrote .*cluster\.arpa \(order 3, on the cluster: 3 shards; 1-grams: 15, 2-grams: \d+, 3-grams: \d+\)\n/);
    expect(out).toMatch(/the ARPA file is also in the shared storage at .*shared\/runs\/.*\/model\.arpa\n/);
    expect(out).toContain('discounts 3:');
  });

  it('a wrong password: exit 1 and one clear line', async () => {
    const io = bufferIo();
    const wrong = `redis://:wrong@127.0.0.1:${redis.server().port}`;
    expect(await run(['node', 'nlpkit', 'cluster', 'worker', '--redis', wrong, '--storage', dir], io)).toBe(1);
    expect(io.err.join('').replace(String(redis.server().port), 'PORT')).toMatchInlineSnapshot(`
      "nlpkit cluster: @nlpkit/distributed: Redis at 127.0.0.1:PORT refused the credentials (wrong password or user): WRONGPASS invalid username-password pair or user is disabled.
      "
    `);
  });
});

describe('nlpkit ngram train --cluster: refused option combinations (exit 2)', () => {
  const cases: [string, string[]][] = [
    ['--storage without --cluster', ['--storage', dir]],
    ['--cluster without --storage', ['--cluster', 'redis://h:1']],
    ['--cluster with standard input', ['--cluster', 'redis://h:1', '--storage', dir, '--input', '-']],
    ['--cluster with --memory', ['--cluster', 'redis://h:1', '--storage', dir, '--memory', '1G']],
  ];
  for (const [name, extra] of cases) {
    it(name, async () => {
      const io = bufferIo();
      const input = extra.includes('--input') ? [] : ['--input', corpus];
      expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '2', '--arpa', join(dir, 'x.arpa'), ...input, ...extra], io)).toBe(2);
      expect(io.err.join('')).toMatch(/--cluster|--storage/);
    });
  }
});
