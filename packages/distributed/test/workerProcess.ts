// A worker process for the tests: `node <bundle> <redis url> <storage dir> [lockDuration ms]`. Prints one line per
// job event (`active count 1 (…)`), so a test can kill it in the middle of a chosen job.
import { startWorker } from '../src/startWorker.js';

const [url, storage, lock] = process.argv.slice(2);
const lockDuration = lock === undefined ? 4000 : Number(lock);
const worker = await startWorker({
  redis: url!,
  storage: storage!,
  lockDuration,
  stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
  onEvent: (event) => process.stdout.write(`${event.kind} ${event.job ?? ''} ${event.message ?? ''}\n`),
});
process.stdout.write('ready\n');
const stop = (): void => {
  void worker.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
