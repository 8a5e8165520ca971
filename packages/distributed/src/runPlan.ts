import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { KneserNeyDiscount, NgramWarning } from '@nlpkit/ngram';
import type { DiskWorkspace } from '@nlpkit/ngram/node';
import { directoryStorage } from './directoryStorage.js';
import { DistributedJobError, PKG, check } from './errors.js';
import { type RedisConnection, type RedisOptions, checkRedis, redisOptions } from './redisConnection.js';
import { type Shard, planShards } from './shards.js';
import type { SharedStorage } from './sharedStorage.js';

/**
 * Everything the jobs of one distributed estimation share, written once by the submitter as `runs/<id>/plan.json`:
 * jobs carry only the run id and their index, so a retried job reads the same plan.
 */
export interface RunPlan {
  readonly id: string;
  readonly order: number;
  readonly shards: readonly Shard[];
  /** Number of partitions of each partitioned pass (adjusted counts, probabilities, ARPA parts). */
  readonly partitions: number;
  /** Memory cap in bytes of one job's sort buffers. */
  readonly memory: number;
  /** Most files a job keeps open while merging. */
  readonly maxOpenFiles: number;
  /** Storage key of the ARPA file. */
  readonly output: string;
  readonly discounts?: readonly KneserNeyDiscount[];
  readonly discountFallback?: KneserNeyDiscount;
}

/** What the discounts job computes from every partition's statistics (`runs/<id>/model.json`). */
export interface ModelStatistics {
  /** n-grams per order in the ARPA file (unigrams: the whole vocabulary). */
  readonly counts: number[];
  readonly discounts: KneserNeyDiscount[];
  readonly countsOfCounts: number[][];
  readonly warnings: NgramWarning[];
  readonly sentences: number;
  readonly tokens: number;
  /** `ranges[r]`: the first word index of ARPA part r (ascending from 0; part r ends where r + 1 starts, the last at the vocabulary's end). */
  readonly ranges: number[];
}

/** The storage key of `name` inside run `id`. */
export function runKey(id: string, name: string): string {
  return `runs/${id}/${name}`;
}

/** Reads and parses the JSON object `name` of run `id`. */
export async function readRunJson<T>(storage: SharedStorage, id: string, name: string, job: string): Promise<T> {
  const key = runKey(id, name);
  if (!(await storage.exists(key))) {
    throw new DistributedJobError({ package: PKG, job, message: `${job}: ${key} is missing from ${storage.description} (removed while the run was going on?)` });
  }
  return JSON.parse(new TextDecoder().decode(await storage.read(key))) as T;
}

/** Writes `value` as the JSON object `name` of run `id` (atomically). */
export function writeRunJson(storage: SharedStorage, id: string, name: string, value: unknown): Promise<void> {
  return storage.write(runKey(id, name), JSON.stringify(value));
}

/** The local path of run file `name`, after checking it was published. */
export async function runFile(storage: SharedStorage, id: string, name: string, job: string): Promise<string> {
  const key = runKey(id, name);
  if (!(await storage.exists(key))) {
    throw new DistributedJobError({ package: PKG, job, message: `${job}: ${key} is missing from ${storage.description}` });
  }
  return storage.localPath(key);
}

/**
 * The partition of the n-gram `buffer[at .. at + length)` among `partitions` (FNV-1a over the word ids): the same on
 * every machine.
 */
export function partitionOf(buffer: ArrayLike<number>, at: number, length: number, partitions: number): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < length; k++) {
    const w = buffer[at + k]!;
    h = Math.imul(h ^ (w & 0xff), 0x01000193);
    h = Math.imul(h ^ ((w >>> 8) & 0xff), 0x01000193);
    h = Math.imul(h ^ (w >>> 16), 0x01000193);
  }
  return (h >>> 0) % partitions;
}

/** Runs `fn` in a fresh scratch folder of run `run` in the storage, removed afterwards (also after a failure). */
export async function inScratch<T>(storage: SharedStorage, run: string, label: string, fn: (folder: string) => Promise<T>): Promise<T> {
  const folder = await storage.scratch(run, label);
  try {
    return await fn(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * Sorts the records of `files` (`width` words each, by their first `key` words; equal keys summed when `sum`)
 * into the workspace's scratch file `name`, with half the plan's memory.
 */
export async function sortRecordFiles(
  workspace: DiskWorkspace,
  files: readonly string[],
  layout: { width: number; key: number; memory: number; name: string; sum: boolean },
  signal?: AbortSignal,
): Promise<void> {
  const { width, key, name } = layout;
  const sorter = workspace.sorter(width, key, Math.floor(layout.memory / 2), name, layout.sum);
  for (const file of files) {
    const reader = workspace.open(file, width, key);
    try {
      while (reader.next()) {
        const s = sorter.slot();
        for (let k = 0; k < width; k++) sorter.buffer[s + k] = reader.buffer[reader.at + k]!;
      }
    } finally {
      workspace.close(reader);
    }
    await breathe();
    signal?.throwIfAborted();
  }
  workspace.finish(sorter, name);
}

/** Lets the event loop run (BullMQ renews job locks on timers) between long synchronous steps. */
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The options every distributed estimation takes (modified Kneser-Ney, stupid backoff). */
export interface EstimationOptions {
  /** Where Redis is (a `redis://:password@host:port` URL or options, TLS included). */
  redis: RedisConnection;
  /** The shared storage (or the path of a shared directory) the workers use too. */
  storage: SharedStorage | string;
  /** The training text (one sentence per line, words split as lmplz splits them): one file or several, in order, readable by every worker at the same path. */
  input: string | readonly string[];
  /** Model order, 1 to 10. */
  order: number;
  /** Number of shards the input is cut into (map jobs; default 4). */
  shards?: number;
  /** Number of partitions of each partitioned pass (reduce jobs; default: the number of shards). */
  partitions?: number;
  /** Memory cap in bytes of each job's sort buffers (default 64 MiB). */
  memory?: number;
  /** Most files a job keeps open while merging (default 64). */
  maxOpenFiles?: number;
  /** Storage key of the model file (default `runs/<run>/model.arpa`, or `model.sb` for stupid backoff). */
  output?: string;
  /** Attempts per job before the run fails (default 5; retried with exponential backoff). */
  attempts?: number;
  /** The queue (default `nlpkit-ngram`). */
  queue?: string;
  /** Keep the run's intermediate files (default: removed after success). */
  keepIntermediate?: boolean;
  /** Stops waiting (the jobs already queued stay queued); the signal's reason is thrown. */
  signal?: AbortSignal;
}

/** What {@link prepareEstimation} gives a submitter: where to submit, and the plan's common fields. */
export interface PreparedEstimation {
  readonly connection: RedisOptions;
  readonly storage: SharedStorage;
  readonly queueName: string;
  readonly attempts: number;
  readonly plan: RunPlan;
}

/**
 * The submitters' common start: checks the common options, checks that Redis answers (and takes the password),
 * cuts the input into shards and makes a fresh run id; the plan's output defaults to `runs/<run>/<outputName>`.
 */
export async function prepareEstimation(options: EstimationOptions, defaultQueue: string, outputName: string): Promise<PreparedEstimation> {
  const connection = redisOptions(options.redis);
  const storage = typeof options.storage === 'string' ? directoryStorage(options.storage) : options.storage;
  const inputs = typeof options.input === 'string' ? [options.input] : check.array(options.input, 'options.input').map((p, i) => check.string(p, `options.input[${i}]`));
  const order = check.integer(options.order, 'options.order', 1, 10);
  const shardCount = check.integer(options.shards ?? 4, 'options.shards', 1, 1 << 16);
  const attempts = check.integer(options.attempts ?? 5, 'options.attempts', 1, 100);
  const queueName = check.string(options.queue ?? defaultQueue, 'options.queue');
  options.signal?.throwIfAborted();
  await checkRedis(connection);
  const shards = await planShards(inputs, shardCount);
  if (shards.length === 0) throw check.invalid(inputs.join(', '), 'options.input', 'text with at least one line');
  const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const plan: RunPlan = {
    id,
    order,
    shards,
    partitions: check.integer(options.partitions ?? shards.length, 'options.partitions', 1, 1 << 16),
    memory: check.integer(options.memory ?? 64 << 20, 'options.memory', 1 << 20),
    maxOpenFiles: check.integer(options.maxOpenFiles ?? 64, 'options.maxOpenFiles', 3, 1 << 20),
    output: options.output === undefined ? runKey(id, outputName) : check.string(options.output, 'options.output'),
  };
  return { connection, storage, queueName, attempts, plan };
}
