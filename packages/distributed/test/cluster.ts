import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@nlpkit/core';
import { bundle } from '@nlpkit/faults-check/bundle';
import { type TestRedis, startRedis } from '../src/testing/redisServer.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Bundles test/workerProcess.ts (nlpkit packages from their sources, third-party ones external; see faults' bundle). */
export function bundleWorker(): Promise<string> {
  return bundle(fileURLToPath(new URL('./workerProcess.ts', import.meta.url)), packageDir);
}

/** A worker process started by a test. */
export interface TestWorker {
  readonly child: ChildProcess;
  /** What it printed so far. */
  output(): string;
  /** Resolves when its output (from character `from` on) matches `pattern` (rejects after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<void>;
  exited: Promise<void>;
}

/** Starts one worker process (`node <bundle> <url> <storage> <lockDuration>`) and waits for it to be ready. */
export async function startWorkerProcess(bundle: string, url: string, storage: string, lockDuration = 4000): Promise<TestWorker> {
  const child = spawn(process.execPath, [bundle, url, storage, String(lockDuration)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer): void => {
    output += d.toString();
    for (const check of waiters) check();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitFor = (pattern: RegExp, timeoutMs = 30_000, from = 0): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (pattern.test(output.slice(from))) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`worker ${child.pid} did not print ${pattern} in ${timeoutMs} ms; it printed:\n${output}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const worker = { child, output: () => output, waitFor, exited };
  await Promise.race([waitFor(/^ready$/m), exited.then(() => Promise.reject(new Error(`worker exited early:\n${output}`)))]);
  return worker;
}

/** Stops workers (SIGKILL: their jobs are done or abandoned) and waits until they are gone. */
export async function stopWorkers(workers: readonly TestWorker[]): Promise<void> {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
}

/** A test cluster: redis-server, a storage folder, and worker processes. */
export interface TestCluster {
  readonly redis: TestRedis;
  readonly storage: string;
  readonly bundle: string;
  workers: TestWorker[];
  stop(): Promise<void>;
}

/** Starts redis-server and `count` worker processes on a fresh storage folder. */
export async function startCluster(count: number, lockDuration = 4000): Promise<TestCluster> {
  const [redis, bundle] = await Promise.all([startRedis(), bundleWorker()]);
  const storage = mkdtempSync(join(tmpdir(), 'nlpkit-storage-'));
  const workers: TestWorker[] = [];
  const cluster: TestCluster = {
    redis,
    storage,
    bundle,
    workers,
    async stop() {
      await stopWorkers(cluster.workers);
      await redis.stop();
      rmSync(storage, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 0; i < count; i++) workers.push(await startWorkerProcess(bundle, redis.url, storage, lockDuration));
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/**
 * Seeded synthetic sentences over a 5,000-word vocabulary with a Zipf-like skew (3–22 words each): large enough in
 * all that a count, adjust or score job takes a while, so a timed kill lands inside it.
 */
export function syntheticLines(lines: number, seed: number): string[] {
  const rng = createRng(seed);
  const words = Array.from({ length: 5000 }, (_, i) => `t${i}`);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const sentence: string[] = [];
    for (let k = 0, n = 3 + rng.int(20); k < n; k++) sentence.push(words[Math.floor(words.length * rng.next() ** 4)]!);
    out.push(sentence.join(' '));
  }
  return out;
}
