import { randomBytes } from 'node:crypto';
import { FlowProducer, Queue, QueueEvents } from 'bullmq';
import { check } from './errors.js';
import { runFlowStage } from './flowStage.js';
import type { RedisOptions } from './redisConnection.js';
import { readRunJson, runKey, writeRunJson } from './runPlan.js';
import type { SharedStorage } from './sharedStorage.js';

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
