// Per-job throughput of distributed estimation: PTB train repeated `--times` times, counted and estimated at
// `--order` by `--workers` worker processes on one machine through a throwaway redis-server. Prints each stage's
// wall time, each count job's tokens/s, and each worker's peak RSS. Needs a build (pnpm turbo run build
// --filter=@nlpkit/distributed...) and redis-server. Usage: node bench/throughput.mjs [--times 20] [--order 3]
// [--workers 2] [--shards 8] [--memory 64]
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainKneserNeyDistributed } from '../dist/node.js';
import { startRedis } from '../dist/testing.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const times = arg('times', 20);
const order = arg('order', 3);
const workers = arg('workers', 2);
const shards = arg('shards', 8);
const memory = arg('memory', 64) << 20;

const storage = mkdtempSync(join(tmpdir(), 'nlpkit-bench-'));
const ptb = readFileSync(fileURLToPath(new URL('../../../test-data/ptb/ptb.train.txt', import.meta.url)));
const input = join(storage, 'corpus.txt');
const out = createWriteStream(input);
for (let i = 0; i < times; i++) out.write(ptb);
await new Promise((resolve) => out.end(resolve));
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
  const result = await trainKneserNeyDistributed({
    redis: redis.url,
    storage,
    input,
    order,
    shards,
    memory,
    onProgress: ({ stage, done, total }) => {
      if (done === 0) stageStart.set(stage, Date.now());
      if (done === total) console.log(`${stage.padEnd(10)} ${total} jobs ${((Date.now() - stageStart.get(stage)) / 1000).toFixed(1)} s`);
    },
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(`total ${seconds.toFixed(1)} s: ${result.tokens} tokens (${(statSync(input).size / 2 ** 20).toFixed(0)} MiB), order ${order}, ${shards} shards, ${workers} workers, ${(memory / 2 ** 20).toFixed(0)} MiB sort memory per job`);
  console.log(`  ${(result.tokens / seconds / 1000).toFixed(0)} k tokens/s end to end; counts ${result.counts.join(' ')}`);
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
      if (kind === 'completed' && name === 'count') durations.push(Number(ms) - active.get(`${name} ${index}`));
    }
    const rss = Number(/maxrss (\d+)/.exec(output())?.[1] ?? 0) / 1024;
    const perShard = result.tokens / shards;
    const rates = durations.map((d) => (perShard / (d / 1000) / 1000).toFixed(0));
    console.log(`  worker ${i + 1}: peak RSS ${rss.toFixed(0)} MiB; count jobs ${durations.map((d) => (d / 1000).toFixed(1)).join(', ')} s (${rates.join(', ')} k tokens/s)`);
  }
} finally {
  for (const { child } of children) child.kill('SIGKILL');
  await redis.stop();
  rmSync(storage, { recursive: true, force: true });
}
