import { type Command, InvalidArgumentError } from 'commander';
import { guarded } from '../cliErrors.js';
import type { CliIo } from '../cliIo.js';
import { clusterProcessors } from './clusterProcessors.js';

/** Options of `nlpkit cluster worker`. */
export interface ClusterWorkerOptions {
  redis: string;
  storage: string;
  concurrency?: number;
  queue?: string;
  quiet?: boolean;
}

/**
 * Runs a worker of distributed jobs — n-gram estimation and scoring, and the corpus tasks of
 * {@link clusterProcessors} (`lm-score`, `tag`, `translate`) — until `signal` aborts (the command wires SIGINT and SIGTERM to it):
 * it stops taking jobs, finishes the running ones and disconnects. Job events go to stderr unless `quiet`.
 */
export async function runClusterWorker(options: ClusterWorkerOptions, io: CliIo, signal: AbortSignal): Promise<void> {
  // Loaded here: BullMQ and its Redis client are large, and no other command needs them.
  const { startWorker } = await import('@nlpkit/distributed/node');
  const processors = clusterProcessors(io);
  const worker = await startWorker({
    redis: options.redis,
    storage: options.storage,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.queue === undefined ? {} : { queue: options.queue }),
    processors,
    onEvent: (event) => {
      if (options.quiet !== true) io.stderr(`${event.kind}${event.job === undefined ? '' : ` ${event.job}`}${event.message === undefined ? '' : `: ${event.message}`}\n`);
    },
  });
  io.stderr(`nlpkit cluster worker: serving queue ${options.queue ?? 'nlpkit-ngram'} (storage ${options.storage}; corpus tasks ${Object.keys(processors).join(', ')}); Ctrl-C stops\n`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await worker.close();
}

/** `nlpkit cluster worker`: a worker of distributed jobs (BullMQ on Redis). */
export function registerClusterCommands(program: Command, io: CliIo): void {
  const cluster = program.command('cluster').description('distributed jobs on BullMQ + Redis: run workers on any number of machines');
  cluster
    .command('worker')
    .description('serve distributed jobs — n-gram estimation (nlpkit ngram train --cluster), corpus scoring (nlpkit ngram eval --cluster, lm score --cluster), tagging (tag predict --cluster) and translation (translate --cluster) — until stopped with Ctrl-C or SIGTERM')
    .requiredOption('--redis <url>', 'Redis URL, e.g. redis://:password@host:6379 (rediss:// for TLS)')
    .requiredOption('--storage <dir>', 'shared folder every worker and the submitter see at the same path')
    .option('--concurrency <n>', 'jobs run at once (default 1)', (value: string) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`--concurrency must be an integer ≥ 1, got "${value}"`);
      return n;
    })
    .option('--queue <name>', 'queue name (default nlpkit-ngram)')
    .option('--quiet', 'no job log on stderr')
    .action((options: ClusterWorkerOptions) =>
      guarded(io, 'cluster', async () => {
        const ac = new AbortController();
        const stop = (): void => ac.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          await runClusterWorker(options, io, ac.signal);
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }),
    );
}
