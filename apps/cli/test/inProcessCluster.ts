import { type TestRedis, startRedis } from '@nlpkit/distributed/testing';
import { afterAll, beforeAll } from 'vitest';
import { bufferIo } from '../src/cliIo.js';
import { runClusterWorker } from '../src/commands/cluster.js';

/** What {@link useInProcessCluster} gives a test, once the worker runs: the Redis server and its URL. */
export interface InProcessCluster {
  readonly server: () => TestRedis;
  readonly url: () => string;
}

/**
 * For CLI tests: a throwaway `redis-server` and one `nlpkit cluster worker` running in this process on `storage`,
 * started before the describe block's tests (then `ready`, if given) and stopped after them.
 */
export function useInProcessCluster(storage: string, ready?: () => Promise<void>): InProcessCluster {
  let redis: TestRedis | undefined;
  const stopWorker = new AbortController();
  let worker: Promise<void> | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    worker = runClusterWorker({ redis: redis.url, storage, quiet: true }, bufferIo(), stopWorker.signal);
    await ready?.();
  }, 30_000);
  afterAll(async () => {
    stopWorker.abort();
    await worker;
    await redis?.stop();
  });
  const server = (): TestRedis => {
    if (redis === undefined) throw new Error('the cluster is started in beforeAll: use it inside a test');
    return redis;
  };
  return { server, url: () => server().url };
}
