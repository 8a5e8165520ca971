// The entry point of a thread that reads part of an ARPA file for `readArpaFile` (`{ threads: 2 }`), loaded by URL
// with `new Worker`: the one kind of module of the package that does work when loaded, because that is what a
// worker's entry is for. Never imported by the package's entry points.
import { parentPort } from 'node:worker_threads';
import { tokenizeArpaSections } from './arpaSectionTokenizer.js';
import type { ArpaSectionJob } from './suffixOrderedArpa.js';

const port = parentPort;
if (port !== null) {
  // One job, then the thread ends (its results are in the job's shared arrays and status).
  port.once('message', (job: ArpaSectionJob) => {
    tokenizeArpaSections(job);
    port.close();
  });
}
