import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../cliErrors.js';
import type { CliIo } from '../cliIo.js';
import { integerOption } from '../optionParsers.js';
import { createProgress } from '../progress.js';

/** The options `--cluster` brings to a corpus command (`lm score`, `tag predict`, `translate`). */
export interface ClusterFlags {
  cluster?: string;
  storage?: string;
  chunks?: number;
  run?: string;
}

/** Adds `--cluster`, `--storage`, `--chunks` and `--run` to a corpus command; `what` says what the workers do. */
export function clusterOptions(command: Command, what: string): Command {
  return command
    .option('--cluster <url>', `${what} on the workers of a cluster (nlpkit cluster worker), Redis at this URL (redis://:password@host:port); same output`)
    .option('--storage <dir>', 'with --cluster: the shared folder the workers use (--input and --model must be readable by them at the same paths)')
    .option('--chunks <n>', 'with --cluster: number of chunks (jobs) the input is cut into (default 4)', integerOption('--chunks', 1))
    .option('--run <id>', 'with --cluster: the run id; given again (same input, model, options, chunks), only the chunks not done yet are run');
}

/**
 * Refuses `--storage`, `--chunks` and `--run` without `--cluster`, and `--cluster` without `--storage` or with
 * standard input (usage errors, exit 2). Returns whether the command runs on the cluster.
 */
export function checkClusterFlags(flags: ClusterFlags, input: string): boolean {
  if ((flags.storage !== undefined || flags.chunks !== undefined || flags.run !== undefined) && flags.cluster === undefined) {
    throw new CliError('--storage, --chunks and --run need --cluster (they are those of distributed corpus jobs)', { usage: true });
  }
  if (flags.cluster === undefined) return false;
  if (flags.storage === undefined) throw new CliError('--cluster needs --storage (the folder the workers share)', { usage: true });
  if (input === '-') throw new CliError('--cluster needs --input: a file the workers can read (not standard input)', { usage: true });
  return true;
}

/**
 * Runs `body` with a signal that Ctrl-C (SIGINT) or SIGTERM aborts — a submitter stops waiting; the jobs it queued
 * stay queued — and takes the handlers off afterwards.
 */
export async function interruptible<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSignal = (): void => ac.abort(new CliError('interrupted: stopped waiting; the jobs already queued stay queued'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await body(ac.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** A corpus task to run on the cluster (see `mapCorpusDistributed`). */
export interface ClusterTask {
  readonly task: string;
  readonly model: string;
  readonly input: string;
  readonly options: Record<string, unknown>;
  readonly split?: 'lines' | 'blocks';
  readonly join?: 'lines' | 'blocks';
  readonly quiet?: boolean;
}

/**
 * Submits a corpus task to the cluster's workers (one job per chunk), shows progress across them, and says on
 * stderr where the run left its output (`run <id>: N chunks (M run now); output in the shared storage at <path>`).
 * Returns the output's local path and line count.
 */
export async function runOnCluster(task: ClusterTask, flags: ClusterFlags & { cluster: string; storage: string }, io: CliIo): Promise<{ path: string; lines: number }> {
  // Loaded here: BullMQ and its Redis client are large, and no other command needs them.
  const { mapCorpusDistributed } = await import('@nlpkit/distributed/node');
  const progress = createProgress(io, { quiet: task.quiet === true });
  try {
    let started = false;
    const result = await interruptible((signal) =>
      mapCorpusDistributed({
        redis: flags.cluster,
        storage: flags.storage,
        input: resolve(task.input),
        model: resolve(task.model),
        task: task.task,
        options: task.options,
        ...(task.split === undefined ? {} : { split: task.split }),
        ...(task.join === undefined ? {} : { join: task.join }),
        ...(flags.chunks === undefined ? {} : { chunks: flags.chunks }),
        ...(flags.run === undefined ? {} : { run: flags.run }),
        signal,
        onProgress: ({ done, total }) => {
          if (!started) progress.stage(`cluster: ${task.task} (chunks)`, total);
          started = true;
          progress.update(done);
        },
      }),
    );
    progress.done();
    io.stderr(`run ${result.run}: ${result.chunks} chunks (${result.processed} run now); output in the shared storage at ${result.path}\n`);
    return result;
  } finally {
    progress.done();
  }
}

/** Copies a file to the command's stdout, piece by piece (a cluster run's output, as the in-process command prints it). */
export async function printFile(path: string, io: CliIo): Promise<void> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  for await (const piece of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const text = decoder.decode(piece, { stream: true });
    if (text !== '') io.stdout(text);
  }
  const rest = decoder.decode();
  if (rest !== '') io.stdout(rest);
}
