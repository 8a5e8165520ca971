import { InvalidArgumentError } from '@nlpkit/core';
import { UnrecoverableError, Worker } from 'bullmq';
import { directoryStorage } from './directoryStorage.js';
import { isCorpusJob, processCorpusJob } from './corpusJobs.js';
import { type CorpusProcessor, corpusModelCache } from './corpusProcessor.js';
import { check } from './errors.js';
import { DEFAULT_QUEUE, type JobData, processJob } from './processJob.js';
import { type RedisConnection, checkRedis, redisOptions } from './redisConnection.js';
import type { SharedStorage } from './sharedStorage.js';

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** Where Redis is (a `redis://:password@host:port` URL or options, TLS included). */
  redis: RedisConnection;
  /** The shared storage (or the path of a shared directory) — the same objects the submitter uses. */
  storage: SharedStorage | string;
  /** Jobs run at once by this worker (default 1: a job uses one core and its memory cap). */
  concurrency?: number;
  /** The queue (default `nlpkit-ngram`). */
  queue?: string;
  /**
   * Milliseconds a job's lock lasts without renewal (default 30,000): a worker that dies — killed, its machine gone —
   * loses its job after this long, and another worker runs it again.
   */
  lockDuration?: number;
  /** Milliseconds between checks for such stalled jobs (default 15,000). */
  stalledInterval?: number;
  /** Times a job may stall (its worker die) before it fails (default 3). */
  maxStalledCount?: number;
  /**
   * Processors of corpus tasks ({@link mapCorpusDistributed}), by task name (`lm-score`, `tag`, `translate`, ...):
   * each loads its model once per worker process and runs the chunks of its task. A corpus job whose task has no
   * processor here fails for good, naming the ones this worker has. Default: none (n-gram jobs only).
   */
  processors?: Readonly<Record<string, CorpusProcessor>>;
  /** Told when a job starts, ends or fails on this worker (for logs). */
  onEvent?: (event: WorkerEvent) => void;
}

/** What {@link WorkerOptions.onEvent} is told. */
export interface WorkerEvent {
  readonly kind: 'active' | 'completed' | 'failed' | 'error';
  readonly job?: string;
  readonly message?: string;
}

/** A running worker. */
export interface DistributedWorker {
  /** Stops taking jobs, waits for the running ones, and disconnects. */
  close(): Promise<void>;
}

/**
 * Starts a worker of distributed n-gram jobs: it takes jobs from the queue — for an estimation, counting shards,
 * merging partitions, estimating, writing ARPA parts; for a scoring run, scoring chunks of a corpus (the model read
 * once per process) and joining their scores; for a corpus task ({@link mapCorpusDistributed}), running its
 * registered processor on chunks of a corpus and joining their outputs — and runs each with the same `@nlpkit/ngram` code a single process
 * runs, reading and publishing through the shared storage. Any number of workers on any number of machines serve
 * one queue; a job whose worker dies is taken over (BullMQ stalled-job recovery) and, being idempotent, redone.
 *
 * @throws RedisConnectionError when Redis refuses the password (`ERR_REDIS_AUTH`) or cannot be reached.
 */
export async function startWorker(options: WorkerOptions): Promise<DistributedWorker> {
  check.options(options, 'options', ['redis', 'storage', 'concurrency', 'queue', 'lockDuration', 'stalledInterval', 'maxStalledCount', 'processors', 'onEvent']);
  const connection = redisOptions(options.redis);
  const storage = typeof options.storage === 'string' ? directoryStorage(options.storage) : options.storage;
  const concurrency = check.integer(options.concurrency ?? 1, 'options.concurrency', 1, 1024);
  const lockDuration = check.integer(options.lockDuration ?? 30_000, 'options.lockDuration', 1000);
  const stalledInterval = check.integer(options.stalledInterval ?? Math.min(15_000, lockDuration), 'options.stalledInterval', 500);
  const maxStalledCount = check.integer(options.maxStalledCount ?? 3, 'options.maxStalledCount', 0, 1000);
  const queue = check.string(options.queue ?? DEFAULT_QUEUE, 'options.queue');
  const processors = options.processors ?? {};
  for (const [name, processor] of Object.entries(processors)) {
    if (typeof processor?.load !== 'function') throw check.invalid(processor, `options.processors[${JSON.stringify(name)}]`, 'a corpus processor ({ load(model, options) })');
  }
  const models = corpusModelCache();
  await checkRedis(connection);
  const onEvent = options.onEvent ?? (() => {});
  const worker = new Worker<JobData>(queue, async (job, _token, signal) => {
    try {
      // Corpus jobs first: processJob knows the n-gram jobs only.
      if (isCorpusJob(job.name)) return await processCorpusJob(storage, job.name, job.data, processors, models, signal);
      return await processJob(storage, job.name, job.data, signal);
    } catch (error) {
      // Bad input (a reserved marker in the text, a missing file) fails the same way on every attempt: fail the
      // job — and the run — now, with the message, rather than after every retry.
      if (error instanceof InvalidArgumentError) throw new UnrecoverableError(error.message);
      throw error;
    }
  }, {
    connection,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount,
    autorun: true,
  });
  worker.on('active', (job) => onEvent({ kind: 'active', job: `${job.name} ${job.data.index} (${job.id})` }));
  worker.on('completed', (job) => onEvent({ kind: 'completed', job: `${job.name} ${job.data.index} (${job.id})` }));
  worker.on('failed', (job, error) => onEvent({ kind: 'failed', ...(job ? { job: `${job.name} ${job.data.index} (${job.id})` } : {}), message: error.message }));
  worker.on('error', (error) => onEvent({ kind: 'error', message: error.message }));
  await worker.waitUntilReady();
  return {
    close: async () => {
      await worker.close();
      await models.clear();
    },
  };
}
