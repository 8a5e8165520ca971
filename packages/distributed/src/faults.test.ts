import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimateKneserNey, kenlmWords, writeArpa } from '@nlpkit/ngram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCluster, startCluster, startWorkerProcess, syntheticLines } from '../test/cluster.js';
import { freePort, redisAvailability } from './testing/redisServer.js';
import { startWorker } from './startWorker.js';
import { trainKneserNeyDistributed } from './trainKneserNeyDistributed.js';

/** A corpus large enough that a count or adjust job takes a while (a kill lands inside it). */
function corpus(lines: number): string {
  return `${syntheticLines(lines, 5).join('\n')}\n`;
}

const redis = redisAvailability();

describe('faults: workers killed mid-job, a restarted Redis, a wrong password', redis.options, () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster(3, 3000);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('a worker SIGKILLed in a count (map) job and another in an adjust (reduce) job: the run completes, byte for byte', async () => {
    const text = corpus(30_000);
    const input = join(cluster.storage, 'corpus.txt');
    writeFileSync(input, text);
    const [first, second, third] = cluster.workers as [(typeof cluster.workers)[0], (typeof cluster.workers)[0], (typeof cluster.workers)[0]];
    const run = trainKneserNeyDistributed({ redis: cluster.redis.url, storage: cluster.storage, input, order: 3, shards: 3, partitions: 3, memory: 8 << 20 });
    // The first worker to take a count job dies in it; then the first survivor to take an adjust job.
    const killOn = async (workers: (typeof cluster.workers)[0][], pattern: RegExp): Promise<(typeof cluster.workers)[0]> => {
      const victim = await Promise.any(workers.map((w) => w.waitFor(pattern, 60_000).then(() => w)));
      victim.child.kill('SIGKILL');
      await victim.exited;
      return victim;
    };
    const mapVictim = await killOn([first, second, third], /^active count /m);
    const survivors = [first, second, third].filter((w) => w !== mapVictim);
    const reduceVictim = await killOn(survivors, /^active adjust /m);
    const result = await run;
    const lines = text.split('\n');
    lines.pop();
    expect(readFileSync(result.path, 'utf8')).toBe(writeArpa(estimateKneserNey(lines.map((l) => kenlmWords(l)), { order: 3 }).model));
    // The scratch folders the victims left are gone with the run.
    expect(existsSync(join(cluster.storage, '.scratch', result.run))).toBe(false);
    // Each victim died inside its job: it never reported the job done.
    const taken = (w: typeof mapVictim, stage: string): string => /^active (\w+ \d+)/m.exec(w.output().split('\n').find((l) => l.startsWith(`active ${stage} `))!)![1]!;
    expect(mapVictim.output()).not.toContain(`completed ${taken(mapVictim, 'count')} `);
    expect(reduceVictim.output()).not.toContain(`completed ${taken(reduceVictim, 'adjust')} `);
    // Replacements for the next test.
    cluster.workers = [...survivors.filter((w) => w !== reduceVictim)];
    for (let i = cluster.workers.length; i < 3; i++) cluster.workers.push(await startWorkerProcess(cluster.bundle, cluster.redis.url, cluster.storage, 3000));
  }, 120_000);

  it('Redis restarted mid-run (no persistence): the run fails with a clear error, writing no model', async () => {
    const input = join(cluster.storage, 'corpus.txt');
    const marks = cluster.workers.map((w) => w.output().length);
    const run = trainKneserNeyDistributed({ redis: cluster.redis.url, storage: cluster.storage, input, order: 3, shards: 3, output: 'restarted.arpa' });
    const outcome = run.then(
      () => 'the run finished',
      (error: unknown) => error,
    );
    await Promise.any(cluster.workers.map((w, i) => w.waitFor(/^active count /m, 60_000, marks[i])));
    await cluster.redis.restart();
    const error = await outcome;
    // The message is compared on its own, so a failure shows it whole.
    expect((error as Error).message ?? error).toMatch(/Redis no longer holds the run/);
    expect(error).toMatchObject({ code: 'ERR_DISTRIBUTED_JOB' });
    expect(() => readFileSync(join(cluster.storage, 'restarted.arpa'))).toThrow();
  }, 60_000);

  it('a wrong password is a RedisConnectionError (ERR_REDIS_AUTH), for a worker and for a submitter', async () => {
    const wrong = `redis://:not-the-password@127.0.0.1:${cluster.redis.port}`;
    await expect(startWorker({ redis: wrong, storage: cluster.storage })).rejects.toMatchObject({ name: 'RedisConnectionError', code: 'ERR_REDIS_AUTH' });
    const error = await trainKneserNeyDistributed({ redis: wrong, storage: cluster.storage, input: join(cluster.storage, 'corpus.txt'), order: 2 }).catch((e: unknown) => e);
    expect((error as Error).message.replace(String(cluster.redis.port), 'PORT')).toMatchInlineSnapshot(`"@nlpkit/distributed: Redis at 127.0.0.1:PORT refused the credentials (wrong password or user): WRONGPASS invalid username-password pair or user is disabled."`);
    const closed = await freePort();
    await expect(startWorker({ redis: { host: '127.0.0.1', port: closed, password: 'x' }, storage: cluster.storage })).rejects.toMatchObject({ code: 'ERR_REDIS_CONNECTION' });
  });
});
