// A worker process for the tests: `node <bundle> <redis url> <storage dir> [lockDuration ms]`. Prints one line per
// job event (`active count 1 (…)`), so a test can kill it in the middle of a chosen job.
import { serveTestWorker } from './serveTestWorker.js';

await serveTestWorker();
