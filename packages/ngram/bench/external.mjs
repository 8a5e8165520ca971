// Bounded-memory counting of a ≥ 100 M-token corpus: PTB train concatenated with itself (written to a temp
// folder, removed afterwards), counted to order 3 under a memory cap on the count tables, in a fresh child.
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { child, machine, ptbDir, requirePtb, savePart } from './common.mjs';

requirePtb();
const copies = Number(process.env.NGRAM_BENCH_COPIES ?? 108); // 108 × 929,589 tokens = 100.4 M
const order = 3;
const capMiB = 24;
const dir = mkdtempSync(join(tmpdir(), 'nlpkit-ngram-big-'));
try {
  mkdirSync(join(dir, 'counts'));
  const path = join(dir, 'corpus.txt');
  const text = readFileSync(`${ptbDir}ptb.train.txt`);
  const fd = openSync(path, 'w');
  for (let i = 0; i < copies; i++) writeSync(fd, text);
  closeSync(fd);
  const r = child('./externalChild.mjs', [path, String(order), String(capMiB), dir]);
  const result = {
    machine: machine(),
    corpus: `ptb.train.txt concatenated ${copies} times (${(text.length * copies / 2 ** 20).toFixed(0)} MiB)`,
    order,
    memoryCapMiB: capMiB,
    ...r,
    tokensPerSecond: r.tokens / r.seconds,
  };
  savePart('external', result);
  console.table({
    'bounded counting': {
      tokens: r.tokens,
      order,
      'cap MiB (tables)': capMiB,
      runs: r.runs,
      seconds: Math.round(r.seconds * 10) / 10,
      'peak RSS MiB': Math.round(r.maxRssMiB),
      'M tokens/s': Math.round(r.tokens / r.seconds / 1e4) / 100,
    },
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
