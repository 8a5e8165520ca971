import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '@nlpkit/core';
import { estimateKneserNey, kenlmWords, writeArpa } from '@nlpkit/ngram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCluster, startCluster } from '../test/cluster.js';
import { redisAvailability } from './testing/redisServer.js';
import { trainKneserNeyDistributed } from './trainKneserNeyDistributed.js';

/** A small corpus with Zipf-like words, an empty line, a CRLF line and a byte-order mark — KenLM's reading quirks. */
function smallCorpus(lines: number): string {
  const rng = createRng(17);
  const words = Array.from({ length: 300 }, (_, i) => `w${i}`);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const length = 1 + rng.int(12);
    const sentence: string[] = [];
    for (let k = 0; k < length; k++) sentence.push(words[Math.floor(words.length * rng.next() ** 3)]!);
    out.push(sentence.join(i % 7 === 0 ? '  ' : ' '));
  }
  out[5] = '';
  out[9] = `${out[9]}\r`;
  return `\ufeff${out.join('\n')}\n`;
}

/** The ARPA text `nlpkit ngram train` writes for `text` (lines split as lmplz splits words). */
function singleProcessArpa(text: string, order: number): string {
  const lines = text.replace(/^\ufeff/, '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return writeArpa(estimateKneserNey(lines.map((line) => kenlmWords(line.replace(/\r$/, ''))), { order }).model);
}

const redis = redisAvailability();

describe('trainKneserNeyDistributed with 3 worker processes', redis.options, () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster(3);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('writes the single-process ARPA byte for byte, orders 2 to 5 (4 shards, 3 partitions)', async () => {
    const text = smallCorpus(1500);
    const input = join(cluster.storage, 'corpus.txt');
    writeFileSync(input, text);
    for (const order of [2, 3, 4, 5]) {
      const stages = new Set<string>();
      const result = await trainKneserNeyDistributed({
        redis: cluster.redis.url,
        storage: cluster.storage,
        input,
        order,
        shards: 4,
        partitions: 3,
        memory: 4 << 20,
        onProgress: (p) => stages.add(p.stage),
      });
      expect([...stages]).toEqual(['count', 'adjust', 'estimate', 'write']);
      expect(result.shards).toBe(4);
      expect(readFileSync(result.path, 'utf8')).toBe(singleProcessArpa(text, order));
    }
  });

  it('misshapen discounts are refused before anything is queued, naming the option', async () => {
    const input = join(cluster.storage, 'discounts.txt');
    writeFileSync(input, 'a b\n');
    const options = { redis: cluster.redis.url, storage: cluster.storage, input, order: 2, shards: 1 };
    await expect(trainKneserNeyDistributed({ ...options, discountFallback: { d1: 0.5, d2: 1 } as never })).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      argument: 'options.discountFallback.d3',
    });
    await expect(trainKneserNeyDistributed({ ...options, discounts: [{ d1: 2, d2: 1, d3: 1 }] })).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      argument: 'options.discounts[0].d1',
    });
  });

  it('bad input fails the run at once (no retries) with the job and the reason', async () => {
    const input = join(cluster.storage, 'bad.txt');
    writeFileSync(input, 'a b\nc d\ne <s> f\n');
    const started = performance.now();
    const error = await trainKneserNeyDistributed({ redis: cluster.redis.url, storage: cluster.storage, input, order: 2, shards: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DistributedJobError', code: 'ERR_DISTRIBUTED_JOB', job: 'count 1 of 1' });
    expect((error as Error).message.replace(/run \S+:/, 'run ID:')).toMatchInlineSnapshot(`"@nlpkit/distributed: run ID: job count 1 of 1 failed: @nlpkit/ngram: sentences[2][1] must be a word, not a reserved marker (sentence boundaries are added automatically), got "<s>""`);
    expect(performance.now() - started).toBeLessThan(15_000); // five attempts with backoff would take longer
  });
});
