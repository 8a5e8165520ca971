import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { referenceData } from '@nlpkit/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCluster, startCluster } from '../test/cluster.js';
import { redisAvailability } from './testing/redisServer.js';
import { trainKneserNeyDistributed } from './trainKneserNeyDistributed.js';

const ptb = referenceData('ptb/ptb.train.txt');
const redis = redisAvailability();
// lmplz's order-5 ARPA of PTB train (<unk> renamed UNK: lmplz refuses a literal <unk>). @nlpkit/ngram's estimators
// write these same bytes (its PTB suite); writing the single-process order-5 ARPA here too would double the time.
const kenlm = JSON.parse(readFileSync(new URL('../test/fixtures/kenlm-ptb-order5.json', import.meta.url), 'utf8')) as {
  counts: number[];
  arpaSha256: string;
  discounts: [number, number, number][];
};

describe('distributed modified Kneser-Ney on PTB, 3 worker processes', { ...ptb.options, ...(redis.options.skip ? redis.options : {}) }, () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster(3);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('order 5: the ARPA file is byte for byte the single-process one (and lmplz\'s)', async () => {
    const input = join(cluster.storage, 'ptb.train.txt');
    // As the golden script feeds lmplz: <unk> renamed UNK, blank lines dropped.
    const lines = readFileSync(ptb.path('ptb/ptb.train.txt'), 'utf8').split('\n').filter((line) => line.trim() !== '');
    writeFileSync(input, `${lines.map((line) => line.split(' ').filter((w) => w !== '').map((w) => (w === '<unk>' ? 'UNK' : w)).join(' ')).join('\n')}\n`);
    const result = await trainKneserNeyDistributed({ redis: cluster.redis.url, storage: cluster.storage, input, order: 5, shards: 6, partitions: 3 });
    expect(result.counts).toEqual(kenlm.counts);
    expect(result.discounts.map((d) => [d.d1, d.d2, d.d3].map((x) => Number(x.toPrecision(6))))).toEqual(kenlm.discounts);
    expect(createHash('sha256').update(readFileSync(result.path)).digest('hex')).toBe(kenlm.arpaSha256);
  }, 120_000); // about 50 s on a loaded 2-core machine
});
