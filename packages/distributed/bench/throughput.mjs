// Per-job throughput of distributed estimation: PTB train repeated `--times` times, counted and estimated at
// `--order` by `--workers` worker processes on one machine through a throwaway redis-server. Prints each stage's
// wall time, each count job's tokens/s, and each worker's peak RSS. Needs a build (pnpm turbo run build
// --filter=@nlpkit/distributed...) and redis-server. Usage: node bench/throughput.mjs [--times 20] [--order 3]
// [--workers 2] [--shards 8] [--memory 64] [--input corpus.txt] [--json result.json] [--smoothing mkn|stupid]. With --input, that file is the
// corpus (read by the workers in place; PTB is not repeated) and the storage folder is made beside it.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainKneserNeyDistributed, trainStupidBackoffDistributed } from '../dist/node.js';
import { startRedis } from '../dist/testing.js';

const text = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};
const arg = (name, fallback) => (text(name) === undefined ? fallback : Number(text(name)));
const times = arg('times', 20);
const order = arg('order', 3);
const workers = arg('workers', 2);
const shards = arg('shards', 8);
const memory = arg('memory', 64) << 20;
const smoothing = text('smoothing') ?? 'mkn';
const countJob = smoothing === 'stupid' ? 'stupid-count' : 'count';

const given = text('input');
const storage = mkdtempSync(given === undefined ? join(tmpdir(), 'nlpkit-bench-') : join(dirname(resolve(given)), 'nlpkit-bench-'));
const input = given === undefined ? join(storage, 'corpus.txt') : resolve(given);
if (given === undefined) {
  const ptb = readFileSync(fileURLToPath(new URL('../../../test-data/ptb/ptb.train.txt', import.meta.url)));
  const out = createWriteStream(input);
  for (let i = 0; i < times; i++) out.write(ptb);
  await new Promise((done) => out.end(done));
}
const report = { input, bytes: statSync(input).size, smoothing, order, workers, shards, memoryMiB: memory / 2 ** 20, stages: {}, perWorker: [] };
const redis = await startRedis();
const children = [];
try {
  for (let i = 0; i < workers; i++) {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./worker.mjs', import.meta.url)), redis.url, storage], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    await new Promise((resolve) => child.stdout.on('data', () => text.includes('ready') && resolve()));
    children.push({ child, output: () => text });
  }
  const stageStart = new Map();
  const started = Date.now();
  const result = await (smoothing === 'stupid' ? trainStupidBackoffDistributed : trainKneserNeyDistributed)({
    redis: redis.url,
    storage,
    input,
    order,
    shards,
    memory,
    onProgress: ({ stage, done, total }) => {
      if (done === 0) stageStart.set(stage, Date.now());
      if (done === total) {
        const seconds = (Date.now() - stageStart.get(stage)) / 1000;
        report.stages[stage] = seconds;
        console.log(`${stage.padEnd(10)} ${total} jobs ${seconds.toFixed(1)} s`);
      }
    },
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(`total ${seconds.toFixed(1)} s: ${result.tokens} tokens (${(statSync(input).size / 2 ** 20).toFixed(0)} MiB), ${smoothing}, order ${order}, ${shards} shards, ${workers} workers, ${(memory / 2 ** 20).toFixed(0)} MiB sort memory per job`);
  console.log(`  ${(result.tokens / seconds / 1000).toFixed(0)} k tokens/s end to end; counts ${result.counts.join(' ')}`);
  Object.assign(report, { seconds, tokens: result.tokens, counts: result.counts });
  for (const [i, { child, output }] of children.entries()) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    const lines = output().split('\n');
    const active = new Map();
    const durations = [];
    for (const line of lines) {
      const [ms, kind, name, index] = line.split(' ');
      if (kind === 'active') active.set(`${name} ${index}`, Number(ms));
      if (kind === 'completed' && name === countJob) durations.push(Number(ms) - active.get(`${name} ${index}`));
    }
    const rss = Number(/maxrss (\d+)/.exec(output())?.[1] ?? 0) / 1024;
    const perShard = result.tokens / shards;
    const rates = durations.map((d) => (perShard / (d / 1000) / 1000).toFixed(0));
    report.perWorker.push({ peakRssMiB: rss, countJobSeconds: durations.map((d) => d / 1000) });
    console.log(`  worker ${i + 1}: peak RSS ${rss.toFixed(0)} MiB; count jobs ${durations.map((d) => (d / 1000).toFixed(1)).join(', ')} s (${rates.join(', ')} k tokens/s)`);
  }
  if (text('json') !== undefined) writeFileSync(text('json'), `${JSON.stringify(report, null, 2)}\n`);
} finally {
  for (const { child } of children) child.kill('SIGKILL');
  await redis.stop();
  rmSync(storage, { recursive: true, force: true });
}
