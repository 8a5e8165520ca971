// Child process of estimate.mjs: reads PTB train from disk, counts, estimates order-N modified Kneser-Ney,
// optionally writes the ARPA file; prints timings, perplexity and peak RSS as JSON.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluatePerplexity } from '@nlpkit/core';
import { estimateKneserNey } from '../dist/index.js';
import { writeArpaFileSync } from '../dist/node.js';
import { loadPtb, ptbDir, readSentencesSync } from './common.mjs';

/** PTB train streamed from disk (as lmplz reads its input), <unk> renamed UNK on the fly. */
function* train() {
  for (const words of readSentencesSync(`${ptbDir}ptb.train.txt`)) {
    for (let i = 0; i < words.length; i++) if (words[i] === '<unk>') words[i] = 'UNK';
    yield words;
  }
}

const order = Number(process.argv[2] ?? 5);
const writeArpa = process.argv[3] === 'arpa';
const start = performance.now();
const { model, discounts } = estimateKneserNey(train(), { order });
const estimated = performance.now();
let arpaMs = null;
if (writeArpa) {
  const path = join(tmpdir(), `nlpkit-bench-${process.pid}.arpa`);
  writeArpaFileSync(model, path);
  arpaMs = performance.now() - estimated;
  rmSync(path);
}
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
const test = loadPtb('test');
const { perplexity } = evaluatePerplexity(model, test);
console.log(
  JSON.stringify({ order, estimateMs: estimated - start, arpaMs, maxRssMiB, perplexity, counts: model.counts, discounts }),
);
