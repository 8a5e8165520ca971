import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectNgramStatistics, kenlmWords, readStupidBackoff, stupidBackoff, writeStupidBackoff } from '@nlpkit/ngram';
import { referenceData } from '@nlpkit/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCluster, type TestWorker, startCluster, syntheticLines } from '../test/cluster.js';
import { redisAvailability } from './testing/redisServer.js';
import { trainStupidBackoffDistributed } from './trainStupidBackoffDistributed.js';

const ptb = referenceData('ptb/ptb.train.txt');
const redis = redisAvailability();

/** The file `nlpkit ngram train --smoothing stupid` writes for `text` (lines split as lmplz splits words). */
function singleProcessFile(text: string, order: number, alpha?: number): string {
  const lines = text.replace(/^\ufeff/, '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const stats = collectNgramStatistics(
    lines.map((line) => kenlmWords(line.replace(/\r$/, ''), 'lmplz')),
    { order },
  );
  return writeStupidBackoff(stupidBackoff(stats, alpha === undefined ? {} : { alpha }));
}

describe('trainStupidBackoffDistributed with 3 worker processes', { ...ptb.options, ...(redis.options.skip ? redis.options : {}) }, () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster(3, 3000);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('PTB (12,000 lines, with a BOM, a CRLF line and an empty line), orders 3 and 5: the single-process file byte for byte', async () => {
    const lines = readFileSync(ptb.path('ptb/ptb.train.txt'), 'utf8').split('\n').slice(0, 12_000);
    lines[7] = '';
    lines[11] = `${lines[11]}\r`;
    const text = `\ufeff${lines.join('\n')}\n`;
    const input = join(cluster.storage, 'ptb.txt');
    writeFileSync(input, text);
    for (const [order, alpha] of [[3, 0.25], [5, undefined]] as const) {
      const stages = new Set<string>();
      const result = await trainStupidBackoffDistributed({
        redis: cluster.redis.url,
        storage: cluster.storage,
        input,
        order,
        ...(alpha === undefined ? {} : { alpha }),
        shards: 4,
        partitions: 3,
        memory: 4 << 20,
        onProgress: (p) => stages.add(p.stage),
      });
      expect([...stages]).toEqual(['vocabulary', 'count', 'reduce']);
      expect(result).toMatchObject({ shards: 4, sentences: 12_000 });
      const file = readFileSync(result.path, 'utf8');
      const expected = singleProcessFile(text, order, alpha);
      expect(file.length).toBe(expected.length);
      expect(file === expected).toBe(true); // (not toBe: a diff of megabytes is no help)
      expect(result.counts).toEqual(readStupidBackoff(file).counts.counts.map((c) => c.length));
      expect(existsSync(join(cluster.storage, 'runs', result.run, 'stupid'))).toBe(false);
    }
  }, 120_000);

  it('a worker SIGKILLed in a count (map) job and another in a reduce job: the run completes, byte for byte', async () => {
    const text = `${syntheticLines(30_000, 9).join('\n')}\n`;
    const input = join(cluster.storage, 'synthetic.txt');
    writeFileSync(input, text);
    const workers = [...cluster.workers];
    // Only what the workers print from now on counts (they served the first test too).
    const marks = new Map(workers.map((w) => [w, w.output().length]));
    const since = (w: TestWorker): string => w.output().slice(marks.get(w));
    const run = trainStupidBackoffDistributed({ redis: cluster.redis.url, storage: cluster.storage, input, order: 3, shards: 3, partitions: 3, memory: 8 << 20 });
    const killOn = async (among: TestWorker[], pattern: RegExp): Promise<TestWorker> => {
      const victim = await Promise.any(among.map((w) => w.waitFor(pattern, 60_000, marks.get(w)).then(() => w)));
      victim.child.kill('SIGKILL');
      await victim.exited;
      return victim;
    };
    const mapVictim = await killOn(workers, /^active stupid-count /m);
    const reduceVictim = await killOn(workers.filter((w) => w !== mapVictim), /^active stupid-reduce /m);
    const result = await run;
    expect(readFileSync(result.path, 'utf8') === singleProcessFile(text, 3)).toBe(true);
    expect(result.sentences).toBe(30_000); // no shard counted twice
    for (const [victim, stage] of [[mapVictim, 'stupid-count'], [reduceVictim, 'stupid-reduce']] as const) {
      const taken = /^active (\S+ \d+)/m.exec(since(victim).split('\n').find((l) => l.startsWith(`active ${stage} `))!)![1]!;
      expect(since(victim)).not.toContain(`completed ${taken} `);
    }
  }, 120_000);

  it('bad input fails the run at once with the job and the reason', async () => {
    const input = join(cluster.storage, 'bad.txt');
    writeFileSync(input, 'a b\nc d\ne <s> f\n');
    const error = await trainStupidBackoffDistributed({ redis: cluster.redis.url, storage: cluster.storage, input, order: 2, shards: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DistributedJobError', code: 'ERR_DISTRIBUTED_JOB', job: 'stupid-vocabulary 1 of 1' });
    expect((error as Error).message).toContain('sentences[2][1] must be a word, not a reserved marker');
    await expect(trainStupidBackoffDistributed({ redis: cluster.redis.url, storage: cluster.storage, input, order: 2, alpha: 0 })).rejects.toThrow(
      /options.alpha must be a positive number, got 0/,
    );
  }, 30_000);
});
