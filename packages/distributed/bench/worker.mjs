// A worker for bench/throughput.mjs: prints `<ms> <event> <job>` per job event and, when stopped, its peak RSS.
import { startWorker } from '../dist/node.js';

const [url, storage] = process.argv.slice(2);
const worker = await startWorker({
  redis: url,
  storage,
  onEvent: (e) => process.stdout.write(`${Date.now()} ${e.kind} ${e.job ?? ''} ${e.message ?? ''}\n`),
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker.close().then(() => {
    process.stdout.write(`maxrss ${process.resourceUsage().maxRSS}\n`);
    process.exit(0);
  });
});
