import { type ConnectionOptions, FlowProducer, Queue, QueueEvents } from 'bullmq';
import { DistributedJobError, PKG } from './errors.js';
import type { JobData } from './processJob.js';

/** One stage of a run: some fanned-out jobs (`children`: their indices among `total`) and the fan-in job after them. */
export interface FlowStage {
  readonly flow: FlowProducer;
  readonly events: QueueEvents;
  readonly queue: Queue;
  readonly queueName: string;
  /** The run id (the jobs' data). */
  readonly run: string;
  /** Prefix of the stage's BullMQ job ids (unique per submission: `<run>-<nonce>`). */
  readonly jobIds: string;
  /** Job name of the fanned-out jobs. */
  readonly name: string;
  /** Job name of the fan-in job. */
  readonly fanIn: string;
  readonly children: readonly number[];
  readonly total: number;
  readonly attempts: number;
  /** Told each time a child job completes (`done` counts from `total - children.length`), and with `done = total` once the stage has finished. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Adds a stage as one BullMQ flow — the children, then the fan-in job when they all have completed — and waits
 * for the fan-in's result. Jobs are retried with exponential backoff; a child that fails for good fails the
 * stage with a {@link DistributedJobError} naming it (`score 3 of 8`) and its reason; a Redis that forgot the run
 * (restarted without persistence) fails it too, instead of waiting forever.
 */
export async function runFlowStage(stage: FlowStage): Promise<unknown> {
  const { flow, events, queue, queueName, run, name, fanIn, total, signal } = stage;
  const jobOptions = { attempts: stage.attempts, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 10_000, removeOnFail: 10_000 };
  const prefix = `${stage.jobIds}-${name}-`;
  let done = total - stage.children.length;
  let timer: NodeJS.Timeout | undefined;
  const onCompleted = ({ jobId }: { jobId: string }): void => {
    // Children only (the fan-in's id may start with the prefix too: `score-total`).
    if (jobId.startsWith(prefix) && /^\d+$/.test(jobId.slice(prefix.length))) stage.onProgress?.(++done, total);
  };
  events.on('completed', onCompleted);
  try {
    stage.onProgress?.(done, total);
    const tree = await flow.add({
      name: fanIn,
      queueName,
      data: { run, index: 0 } satisfies JobData,
      opts: { ...jobOptions, jobId: `${stage.jobIds}-${fanIn}` },
      children: stage.children.map((index) => ({
        name,
        queueName,
        data: { run, index } satisfies JobData,
        opts: { ...jobOptions, jobId: `${prefix}${index}`, failParentOnFailure: true },
      })),
    });
    const forgotten = `Redis no longer holds the run's ${fanIn} job (restarted without persistence, or flushed); nothing was written`;
    const finished = tree.job.waitUntilFinished(events);
    const stopped = new Promise<never>((_, reject) => {
      const poll = async (): Promise<void> => {
        let state: string;
        try {
          state = await queue.getJobState(tree.job.id!);
        } catch {
          state = 'unreachable';
        }
        if (state === 'unknown') {
          reject(new Error(forgotten));
          return;
        }
        timer = setTimeout(() => void poll(), 2000);
      };
      timer = setTimeout(() => void poll(), 2000);
      if (signal === undefined) return;
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      void finished.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {});
    });
    try {
      const result = await Promise.race([finished, stopped]);
      // The fan-in ran, so every child completed; their events may still be on their way (waitUntilFinished can
      // see the finished job before the event stream delivers the children's completions).
      if (done < total) stage.onProgress?.((done = total), total);
      return result;
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason;
      let reason = (error as Error).message;
      let job: string = fanIn;
      // A Redis that restarted empty can fail the run before the poll above sees it (a worker finishing a job
      // whose keys are gone reports that failure first): the cause worth naming is the lost run.
      const state = await queue.getJobState(tree.job.id!).catch(() => 'unreachable');
      if (state === 'unknown') reason = forgotten;
      else for (const index of stage.children) {
        const child = await queue.getJob(`${prefix}${index}`).catch(() => undefined);
        if (child?.failedReason) {
          job = `${name} ${index + 1} of ${total}`;
          reason = child.failedReason;
          break;
        }
      }
      throw new DistributedJobError({ package: PKG, job, cause: error, message: `run ${run}: job ${job} failed: ${reason}` });
    }
  } finally {
    clearTimeout(timer);
    events.off('completed', onCompleted);
  }
}

/** Runs one stage of a submitted run: `name` jobs `0 .. total − 1`, then `fanIn`; resolves to the fan-in's result. */
export type StageRunner = (name: string, fanIn: string, total: number, onProgress?: (done: number, total: number) => void) => Promise<unknown>;

/**
 * Opens the BullMQ handles a submitter needs (a flow producer, queue events, the queue), gives `fn` a
 * {@link StageRunner} for run `run`, and closes them however `fn` ends.
 */
export async function withStages<T>(
  options: { connection: ConnectionOptions; queueName: string; run: string; attempts: number; signal?: AbortSignal | undefined },
  fn: (stage: StageRunner) => Promise<T>,
): Promise<T> {
  const { connection, queueName, run, attempts, signal } = options;
  const flow = new FlowProducer({ connection });
  const events = new QueueEvents(queueName, { connection });
  const queue = new Queue(queueName, { connection });
  try {
    await events.waitUntilReady();
    return await fn((name, fanIn, total, onProgress) =>
      runFlowStage({ flow, events, queue, queueName, run, jobIds: run, name, fanIn, children: Array.from({ length: total }, (_, index) => index), total, attempts, onProgress, signal }),
    );
  } finally {
    await Promise.allSettled([flow.close(), events.close(), queue.close()]);
  }
}
