// What `nlpkit tag eval --model models/wikiann-en --input <wikiann test>` does (decode the artifact, predict in
// batches of 64, entity F1), timed, with its peak RSS and wasm heap, for one implementation (this package's dist
// or an older build's dist folder). Prints one JSON line; `tags` is a hash of every predicted tag, to compare builds.
// Usage: node bench/taggerEval.mjs [--impl new|<dist folder>] [--model models/wikiann-en/model.safetensors]
//        [--input ../shared/data/wikiann-en/test] [--batch 64] [--backend wasm]
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@nlpkit/tensor';
import { readConll } from '@nlpkit/text';
import { readLines } from '@nlpkit/text/node';

const root = resolve(new URL('../../..', import.meta.url).pathname);
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const impl = arg('impl', 'new');
const rnn = await import((impl === 'new' ? new URL('../dist/index.js', import.meta.url) : pathToFileURL(join(resolve(impl), 'index.js'))).href);
const metrics = await import(pathToFileURL(createRequire(join(root, 'apps/cli/package.json')).resolve('@nlpkit/metrics')).href);
await initBackend({ only: arg('backend', 'wasm') });
const data = [];
for await (const s of readConll(readLines(resolve(root, arg('input', '../shared/data/wikiann-en/test'))))) {
  data.push({ words: s.columns[0].map((w) => (w.startsWith('en:') && w.length > 3 ? w.slice(3) : w)), tags: s.columns[s.columns.length - 1] });
}
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const artifact = rnn.decodeSequenceTagger(new Uint8Array(await readFile(resolve(root, arg('model', 'models/wikiann-en/model.safetensors')))));
const cpu0 = process.cpuUsage();
const t1 = performance.now();
const pred = artifact.tagger.predict(data.map((s) => s.words), { batchSize: Number(arg('batch', '64')) });
const predictSeconds = (performance.now() - t1) / 1000;
const cpu = process.cpuUsage(cpu0);
const f1 = metrics.entityF1(data.map((s) => s.tags), pred);
const heap = tf.backend().wasm?.HEAPU8?.buffer?.byteLength;
process.stdout.write(`${JSON.stringify({
  impl, sentences: data.length, tokens: data.reduce((a, s) => a + s.words.length, 0),
  seconds: (performance.now() - t0) / 1000, predictSeconds, predictCpuSeconds: (cpu.user + cpu.system) / 1e6,
  f1: f1.f1, precision: f1.precision, recall: f1.recall,
  tags: createHash('sha256').update(pred.map((s) => s.join(' ')).join('\n')).digest('hex').slice(0, 16),
  maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), rssBeforeMB: Math.round(rssBefore / 2 ** 20),
  wasmHeapMB: heap === undefined ? undefined : Math.round(heap / 2 ** 20), load: (await import('node:os')).loadavg()[0],
})}\n`);
artifact.dispose();
