import type { CorpusProcessor } from '../src/corpusProcessor.js';
import { startWorker } from '../src/startWorker.js';

/**
 * The body of the tests' worker processes (`node <bundle> <redis url> <storage dir> [lockDuration ms]`): starts a
 * worker with a short lock (so a killed worker's job is taken over quickly), prints `ready` and one line per job event
 * (`active count 1 (…)`, so a test can kill it in the middle of a chosen job), and closes on SIGTERM or SIGINT.
 */
export async function serveTestWorker(processors?: Record<string, CorpusProcessor>): Promise<void> {
  const [url, storage, lock] = process.argv.slice(2);
  const lockDuration = lock === undefined ? 4000 : Number(lock);
  const worker = await startWorker({
    redis: url!,
    storage: storage!,
    lockDuration,
    stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
    ...(processors === undefined ? {} : { processors }),
    onEvent: (event) => process.stdout.write(`${event.kind} ${event.job ?? ''} ${event.message ?? ''}\n`),
  });
  process.stdout.write('ready\n');
  const stop = (): void => {
    void worker.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
