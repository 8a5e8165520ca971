import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { FlowProducer, Queue, QueueEvents } from 'bullmq';
import { directoryStorage } from './directoryStorage.js';
import { check } from './errors.js';
import { runFlowStage } from './flowStage.js';
import { DEFAULT_QUEUE } from './processJob.js';
import { type RedisConnection, type RedisOptions, redisOptions } from './redisConnection.js';
import { readRunJson, runKey, writeRunJson } from './runPlan.js';
import type { SharedStorage } from './sharedStorage.js';

/** The options every chunked run over a corpus takes (n-gram scoring, corpus tasks). */
export interface ChunkedRunOptions {
  /** Where Redis is (a `redis://:password@host:port` URL or options, TLS included). */
  redis: RedisConnection;
  /** The shared storage (or the path of a shared directory) the workers use too. */
  storage: SharedStorage | string;
  /** The text, readable by every worker at the same path. */
  input: string;
  /** The model, readable by every worker at the same path. */
  model: string;
  /** Number of chunks the input is cut into (one job each; default 4). */
  chunks?: number;
  /** Storage key of the result (default: in the run's folder, `runs/<run>/`). */
  output?: string;
  /**
   * Run id: a run submitted again with the same id (and the same settings) skips the chunks whose results were
   * published before — resuming an interrupted run — and returns at once when the run had finished. Default: a new id.
   */
  run?: string;
  /** Attempts per job before the run fails (default 5; retried with exponential backoff). */
  attempts?: number;
  /** The queue (default `nlpkit-ngram`, the one estimation uses: one worker serves every kind of job). */
  queue?: string;
  /** Keep the chunks' results after the run (default: removed once the output is published). */
  keepIntermediate?: boolean;
  /** Told whenever a chunk is done (across all workers). */
  onProgress?: (progress: { readonly done: number; readonly total: number }) => void;
  /** Stops waiting (the jobs already queued stay queued); the signal's reason is thrown. */
  signal?: AbortSignal;
}

/** The keys of {@link ChunkedRunOptions}, for `check.options`. */
export const CHUNKED_RUN_KEYS = ['redis', 'storage', 'input', 'model', 'chunks', 'output', 'run', 'attempts', 'queue', 'keepIntermediate', 'onProgress', 'signal'] as const;

/** {@link ChunkedRunOptions} checked, with their defaults (the model path made absolute). */
export function chunkedRunSettings(options: ChunkedRunOptions) {
  return {
    connection: redisOptions(options.redis),
    storage: typeof options.storage === 'string' ? directoryStorage(options.storage) : options.storage,
    input: check.string(options.input, 'options.input'),
    model: resolve(check.string(options.model, 'options.model')),
    chunkCount: check.integer(options.chunks ?? 4, 'options.chunks', 1, 1 << 16),
    attempts: check.integer(options.attempts ?? 5, 'options.attempts', 1, 100),
    queueName: check.string(options.queue ?? DEFAULT_QUEUE, 'options.queue'),
  };
}

/** A new run id: time and randomness, unique across submitters. */
export const newRunId = (): string => `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

/**
 * Writes the plan of a chunked run (`runs/<id>/<name>`), or — for a run id given again — checks it equals the plan
 * written before (the same input, model, output, chunks and settings), so a resumed run joins the same chunks.
 *
 * @throws InvalidArgumentError (argument `options.run`) for an id reused with other settings.
 */
export async function openChunkedRun(storage: SharedStorage, id: string, name: string, plan: object, given: boolean, settings: string): Promise<void> {
  if (given && (await storage.exists(runKey(id, name)))) {
    const earlier = await readRunJson<object>(storage, id, name, 'submit');
    if (JSON.stringify(earlier) !== JSON.stringify(plan)) throw check.invalid(id, 'options.run', `the id of a run with the same ${settings}, or a new id`);
  } else {
    await writeRunJson(storage, id, name, plan);
  }
}

/** What {@link submitChunks} needs: the run, its chunk jobs still to run (`missing`, among `total`) and the fan-in job. */
export interface ChunkSubmission {
  readonly connection: RedisOptions;
  readonly queueName: string;
  readonly run: string;
  readonly name: string;
  readonly fanIn: string;
  readonly missing: readonly number[];
  readonly total: number;
  readonly attempts: number;
  readonly onProgress?: ((progress: { readonly done: number; readonly total: number }) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Queues the missing chunk jobs of a run and its fan-in job as one flow, and waits for the fan-in to complete. */
export async function submitChunks(s: ChunkSubmission): Promise<void> {
  const { connection, queueName } = s;
  const flow = new FlowProducer({ connection });
  const events = new QueueEvents(queueName, { connection });
  const queue = new Queue(queueName, { connection });
  try {
    await events.waitUntilReady();
    await runFlowStage({
      flow,
      events,
      queue,
      queueName,
      run: s.run,
      // Unique per submission: BullMQ keeps finished jobs' ids, and a resumed run must add new jobs.
      jobIds: `${s.run}-${randomBytes(3).toString('hex')}`,
      name: s.name,
      fanIn: s.fanIn,
      children: s.missing,
      total: s.total,
      attempts: s.attempts,
      onProgress: s.onProgress === undefined ? undefined : (done, total) => s.onProgress!({ done, total }),
      signal: s.signal,
    });
  } finally {
    await Promise.allSettled([flow.close(), events.close(), queue.close()]);
  }
}
