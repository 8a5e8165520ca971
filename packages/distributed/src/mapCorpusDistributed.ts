import { stat } from 'node:fs/promises';
import { inputFileError } from '@nlpkit/core/node';
import { planCorpusChunks } from './corpusChunks.js';
import { type CorpusDone, type CorpusLayout, type CorpusPlan, corpusChunkName } from './corpusPlan.js';
import { CHUNKED_RUN_KEYS, type ChunkedRunOptions, chunkedRunSettings, newRunId, openChunkedRun, submitChunks } from './corpusRun.js';
import { PKG, check } from './errors.js';
import { checkRedis } from './redisConnection.js';
import { readRunJson, runKey } from './runPlan.js';

/** Options of {@link mapCorpusDistributed}. */
export interface DistributedCorpusOptions extends ChunkedRunOptions {
  /** The model (a file or a folder), readable by every worker at the same path. */
  model: string;
  /** The task: the name the workers registered a processor under (`startWorker`'s `processors`), e.g. `lm-score`. */
  task: string;
  /** The task's options (JSON-serializable; paths in them must be absolute), handed to the processor's `load`. */
  options?: Readonly<Record<string, unknown>>;
  /** How the input is cut: at any line (`lines`, default) or only after blank lines (`blocks`: CoNLL sentences). */
  split?: CorpusLayout;
  /** How the chunks' outputs are joined: one after the other (`lines`, default) or with one blank line between (`blocks`). */
  join?: CorpusLayout;
  /** Lines handed to the processor at a time (default 256). */
  batchLines?: number;
  /** Storage key of the output (default `runs/<run>/output.txt`). */
  output?: string;
  /**
   * Run id: a run submitted again with the same id (same input, model, task, options, output and chunks) runs only
   * the chunks whose output was not published before — resuming an interrupted run — and returns at once when the
   * run had finished. Default: a new id.
   */
  run?: string;
}

/** What {@link mapCorpusDistributed} returns. */
export interface DistributedCorpusResult {
  /** The run's id (its files are under `runs/<run>/` in the storage). */
  run: string;
  /** Storage key of the output: the task's output lines for the whole input, in input order. */
  output: string;
  /** Where the output can be read from this machine. */
  path: string;
  /** Lines in the output. */
  lines: number;
  /** Number of chunks the input was cut into. */
  chunks: number;
  /** Chunks processed by this submission (the others had been published by an earlier one with the same run id). */
  processed: number;
}

/**
 * Runs a corpus task — score with a language model, tag, translate: whatever the workers have a processor for —
 * over a large text on the workers ({@link startWorker}) of a BullMQ cluster: the input is cut into chunks at line
 * (or blank-line) boundaries; one job per chunk runs the task's processor on its lines with the model the worker
 * loaded (once per worker process) and publishes the chunk's output atomically; a fan-in job joins the outputs in
 * input order. Each worker runs the same code the single-process command runs, so the output is the same.
 * Resumable: see {@link DistributedCorpusOptions.run}.
 *
 * @throws RedisConnectionError for a refused password or unreachable Redis; DistributedJobError when a job fails
 * after its attempts, or at once when no worker has a processor for the task (a worker without one fails the job
 * for good, naming the processors it has); InvalidArgumentError for a missing input or model, an empty input, or
 * a run id reused with other settings; the signal's reason on abort.
 */
export async function mapCorpusDistributed(options: DistributedCorpusOptions): Promise<DistributedCorpusResult> {
  check.options(options, 'options', [...CHUNKED_RUN_KEYS, 'task', 'options', 'split', 'join', 'batchLines']);
  const { connection, storage, input, model, chunkCount, attempts, queueName } = chunkedRunSettings(options);
  const task = check.string(options.task, 'options.task');
  const taskOptions = options.options ?? {};
  if (typeof taskOptions !== 'object' || taskOptions === null || Array.isArray(taskOptions)) throw check.invalid(taskOptions, 'options.options', 'an object of task options');
  const split = check.oneOf(options.split ?? 'lines', 'options.split', ['lines', 'blocks'] as const);
  const join = check.oneOf(options.join ?? 'lines', 'options.join', ['lines', 'blocks'] as const);
  const batchLines = check.integer(options.batchLines ?? 256, 'options.batchLines', 1, 1 << 24);
  const signal = options.signal;
  signal?.throwIfAborted();
  try {
    await stat(model);
  } catch (cause) {
    throw inputFileError(model, cause, { package: PKG, argument: 'options.model' });
  }
  await checkRedis(connection);
  const chunks = await planCorpusChunks(input, chunkCount, split);
  if (chunks.length === 0) throw check.invalid(input, 'options.input', 'text with at least one line');
  const given = options.run !== undefined;
  const id = given ? check.string(options.run, 'options.run') : newRunId();
  const output = options.output === undefined ? runKey(id, 'output.txt') : check.string(options.output, 'options.output');
  // Round-tripped through JSON now, so that a resumed run compares what the workers read.
  const plan: CorpusPlan = JSON.parse(JSON.stringify({ id, task, model, options: taskOptions, chunks, split, join, batchLines, output })) as CorpusPlan;
  await openChunkedRun(storage, id, 'corpus-plan.json', plan, given, 'input (unchanged), model, task, options, output and chunks');

  const finish = async (processed: number): Promise<DistributedCorpusResult> => {
    const done = await readRunJson<CorpusDone>(storage, id, 'corpus-done.json', 'submit');
    if (options.keepIntermediate !== true) await storage.remove(runKey(id, 'corpus'));
    await storage.removeScratch(id);
    return { run: id, output, path: await storage.localPath(output), lines: done.lines, chunks: chunks.length, processed };
  };
  if ((await storage.exists(runKey(id, 'corpus-done.json'))) && (await storage.exists(output))) return finish(0);
  const missing: number[] = [];
  for (let i = 0; i < chunks.length; i++) if (!(await storage.exists(runKey(id, corpusChunkName(i))))) missing.push(i);
  await submitChunks({ connection, queueName, run: id, name: 'corpus-chunk', fanIn: 'corpus-join', missing, total: chunks.length, attempts, onProgress: options.onProgress, signal });
  return finish(missing.length);
}
