import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@nlpkit/core';
import { bundle } from '@nlpkit/faults-check/bundle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestWorker, startWorkerProcess, stopWorkers } from '../test/cluster.js';
import { blockLines, upperLines } from '../test/corpusTasks.js';
import { mapCorpusDistributed } from './mapCorpusDistributed.js';
import { type TestRedis, redisAvailability, startRedis } from './testing/redisServer.js';

/** Records of 1–6 lines separated by blank lines (sometimes two, or a line of spaces), CRLF line ends here and there. */
function records(count: number, seed: number): string {
  const rng = createRng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    for (let k = 0, n = 1 + rng.int(6); k < n; k++) out.push(`w${rng.int(1000)} x${i}.${k}${rng.int(9) === 0 ? '\r' : ''}`);
    out.push(i % 13 === 0 ? '  ' : '');
    if (i % 17 === 0) out.push('');
  }
  return `${out.join('\n')}\n`;
}

const linesOf = (text: string): string[] => text.replace(/\n$/, '').split('\n').map((l) => l.replace(/\r$/, ''));
const textOf = (lines: readonly string[]): string => (lines.length === 0 ? '' : `${lines.join('\n')}\n`);

describe('mapCorpusDistributed with 2 worker processes', redisAvailability().options, () => {
  let redis: TestRedis;
  let workers: TestWorker[] = [];
  let storage: string;
  let input: string;
  let model: string;
  const count = (pattern: RegExp): number => workers.reduce((n, w) => n + (w.output().match(pattern)?.length ?? 0), 0);
  beforeAll(async () => {
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    const [started, worker] = await Promise.all([startRedis(), bundle(fileURLToPath(new URL('../test/corpusWorkerProcess.ts', import.meta.url)), packageDir)]);
    redis = started;
    storage = mkdtempSync(join(tmpdir(), 'nlpkit-corpus-'));
    input = join(storage, 'input.txt');
    model = join(storage, 'model.txt');
    writeFileSync(input, records(3000, 1));
    writeFileSync(model, '>\n');
    workers = [await startWorkerProcess(worker, redis.url, storage), await startWorkerProcess(worker, redis.url, storage)];
  }, 60_000);
  afterAll(async () => {
    await stopWorkers(workers);
    await redis?.stop();
    if (storage !== undefined) rmSync(storage, { recursive: true, force: true });
  });

  it('lines: the output of the whole input in input order, the model loaded once per worker process', async () => {
    const progress: number[] = [];
    const result = await mapCorpusDistributed({
      redis: redis.url, storage, input, model, task: 'upper', options: { suffix: '!' }, chunks: 7, batchLines: 50, onProgress: (p) => progress.push(p.done),
    });
    const expected = upperLines('>!', linesOf(readFileSync(input, 'utf8')));
    expect(readFileSync(result.path, 'utf8')).toBe(textOf(expected));
    expect(result).toMatchObject({ chunks: 7, processed: 7, lines: expected.length });
    // Ends at the total even when the event stream lags behind the finished run; never goes back, never past it.
    expect(progress.at(-1)).toBe(7);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(Math.max(...progress)).toBe(7);
    expect(count(/^active corpus-chunk/gm)).toBe(7);
    expect(count(/^load upper/gm)).toBeLessThanOrEqual(2);
    // Same model and options again: no new load.
    await mapCorpusDistributed({ redis: redis.url, storage, input, model, task: 'upper', options: { suffix: '!' }, chunks: 3 });
    expect(count(/^load upper/gm)).toBeLessThanOrEqual(2);
  }, 30_000);

  it('blocks: chunks are cut only after blank lines, outputs joined with one blank line', async () => {
    for (const chunks of [1, 5, 40]) {
      const result = await mapCorpusDistributed({ redis: redis.url, storage, input, model, task: 'blocks', split: 'blocks', join: 'blocks', chunks, batchLines: 20 });
      expect(readFileSync(result.path, 'utf8')).toBe(textOf(blockLines('>', linesOf(readFileSync(input, 'utf8')))));
      expect(result.chunks).toBeGreaterThan(chunks / 2);
    }
  }, 30_000);

  it('resumes: a rerun with the same run id runs only the chunks not published before; a finished run runs none', async () => {
    const run = `resume-${Date.now()}`;
    const options = { redis: redis.url, storage, input, model, task: 'upper', chunks: 4, run, keepIntermediate: true, output: `${run}.txt` };
    const before = count(/^active corpus-chunk/gm);
    const first = await mapCorpusDistributed(options);
    expect(first.processed).toBe(4);
    const expected = readFileSync(first.path, 'utf8');
    // As if interrupted: two chunks and the output never published.
    for (const name of ['corpus/chunk-0.txt', 'corpus/chunk-2.txt', 'corpus-done.json']) rmSync(join(storage, 'runs', run, name));
    rmSync(first.path);
    const second = await mapCorpusDistributed(options);
    expect(second.processed).toBe(2);
    expect(count(/^active corpus-chunk/gm) - before).toBe(6);
    expect(readFileSync(second.path, 'utf8')).toBe(expected);
    const third = await mapCorpusDistributed(options);
    expect(third).toMatchObject({ processed: 0, lines: first.lines });
    expect(count(/^active corpus-chunk/gm) - before).toBe(6);
    await expect(mapCorpusDistributed({ ...options, options: { suffix: '?' } })).rejects.toMatchObject({ name: 'InvalidArgumentError', argument: 'options.run' });
  }, 30_000);

  it('a task without a processor fails at once with a clear error naming the task and the processors there are', async () => {
    const started = Date.now();
    await expect(mapCorpusDistributed({ redis: redis.url, storage, input, model, task: 'parse', chunks: 2 })).rejects.toMatchObject({
      name: 'DistributedJobError',
      message: expect.stringMatching(/job corpus-chunk [12] of 2 failed: @nlpkit\/distributed: this worker has no processor for task "parse" \(it has "upper", "slow", "blocks"\)/),
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a missing model, an empty input and bad options before queueing anything', async () => {
    const empty = join(storage, 'empty.txt');
    writeFileSync(empty, '');
    await expect(mapCorpusDistributed({ redis: redis.url, storage, input, model: join(storage, 'nope'), task: 'upper' })).rejects.toMatchObject({ code: 'ERR_FILE_NOT_FOUND' });
    await expect(mapCorpusDistributed({ redis: redis.url, storage, input: empty, model, task: 'upper' })).rejects.toThrow(/options\.input must be text with at least one line/);
    await expect(mapCorpusDistributed({ redis: redis.url, storage, input, model, task: 'upper', split: 'words' as never })).rejects.toThrow(/options\.split/);
  });

  // Last: it leaves one worker dead.
  it('a worker killed with SIGKILL in the middle of a chunk: another runs it again, the output is the same', async () => {
    const from = workers.map((w) => w.output().length);
    const running = mapCorpusDistributed({ redis: redis.url, storage, input, model, task: 'slow', options: { ms: 60 }, chunks: 6, batchLines: 100 });
    let victim: TestWorker | undefined;
    for (const deadline = Date.now() + 20_000; victim === undefined && Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      victim = workers.find((w, i) => /^active corpus-chunk/m.test(w.output().slice(from[i])));
    }
    expect(victim).toBeDefined();
    await new Promise((r) => setTimeout(r, 200));
    victim!.child.kill('SIGKILL');
    const result = await running;
    expect(readFileSync(result.path, 'utf8')).toBe(textOf(upperLines('>', linesOf(readFileSync(input, 'utf8')))));
    expect(result.processed).toBe(6);
    // The killed chunk was started twice: 7 starts for 6 chunks.
    expect(workers.reduce((n, w, i) => n + (w.output().slice(from[i]).match(/^active corpus-chunk/gm)?.length ?? 0), 0)).toBe(7);
  }, 30_000);
});
