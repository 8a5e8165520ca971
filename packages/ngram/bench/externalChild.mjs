// Child of external.mjs: counts a large corpus file with bounded memory, reports time, runs and peak RSS.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { countNgramsOnDisk } from '../dist/node.js';
import { readSentencesSync } from './common.mjs';

const [path, order, capMiB, dir] = process.argv.slice(2);
const start = performance.now();
const result = countNgramsOnDisk(readSentencesSync(path), {
  order: Number(order),
  memoryBytes: Number(capMiB) * 2 ** 20,
  directory: join(dir, 'counts'),
});
const seconds = (performance.now() - start) / 1000;
rmSync(result.directory, { recursive: true, force: true });
console.log(
  JSON.stringify({
    seconds,
    tokens: result.tokens,
    sentences: result.sentences,
    runs: result.runs,
    distinct: result.distinct,
    vocabulary: result.wordIndex.size,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
