import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@nlpkit/core';
import { UnrecoverableError } from 'bullmq';
import { PKG, check } from './errors.js';
import { batchedWriter } from './corpusFiles.js';
import { type CorpusDone, type CorpusPlan, corpusChunkName } from './corpusPlan.js';
import type { CorpusModelCache, CorpusProcessor } from './corpusProcessor.js';
import { breathe, inScratch, readRunJson, runFile, runKey, writeRunJson } from './runPlan.js';
import { shardLines } from './shards.js';
import type { SharedStorage } from './sharedStorage.js';

/** The BullMQ job names of a corpus run: one per chunk, and the fan-in after them. */
export const CORPUS_JOBS = ['corpus-chunk', 'corpus-join'] as const;

/** Whether job `name` belongs to a corpus run. */
export const isCorpusJob = (name: string): name is (typeof CORPUS_JOBS)[number] => (CORPUS_JOBS as readonly string[]).includes(name);

/** Lines of output text with a blank line before them when `blocks` output was written before (`separated`). */
function outputText(lines: readonly string[], blocks: boolean, separated: boolean): string {
  if (lines.length === 0) return '';
  return `${blocks && separated ? '\n' : ''}${lines.join('\n')}\n`;
}

/**
 * Map job: runs the plan's task on chunk `index` — batches of `plan.batchLines` lines (for a `blocks` split, up to
 * the next blank line) through the model the worker's processor loaded (once per worker) — and publishes the
 * output lines as `corpus/chunk-i.txt` atomically. A chunk already published (a retried or resumed run) is not
 * run again. A worker without a processor for the task fails the job for good, naming the ones it has.
 */
export async function corpusChunkJob(
  storage: SharedStorage,
  plan: CorpusPlan,
  index: number,
  processors: Readonly<Record<string, CorpusProcessor>>,
  models: CorpusModelCache,
  signal?: AbortSignal,
): Promise<{ lines: number; skipped: boolean }> {
  const chunk = plan.chunks[index];
  if (chunk === undefined) throw new InvalidArgumentError({ package: PKG, argument: 'job.data.index', expected: `a chunk index below ${plan.chunks.length}`, found: index });
  const key = runKey(plan.id, corpusChunkName(index));
  if (await storage.exists(key)) return { lines: 0, skipped: true };
  const processor = Object.hasOwn(processors, plan.task) ? processors[plan.task] : undefined;
  if (processor === undefined) {
    const names = Object.keys(processors);
    throw new UnrecoverableError(
      `${PKG}: this worker has no processor for task ${JSON.stringify(plan.task)} (it has ${names.length === 0 ? 'none' : names.map((n) => JSON.stringify(n)).join(', ')}); ` +
        'start workers with one for it (nlpkit cluster worker has lm-score, tag and translate)',
    );
  }
  const lease = await models.acquire(plan.task, processor, plan.model, plan.options);
  try {
    return await inScratch(storage, plan.id, `corpus-${index}`, async (folder) => {
      const file = join(folder, 'chunk.txt');
      const out = await open(file, 'w');
      const blocks = plan.join === 'blocks';
      let lines = 0;
      let written = false;
      try {
        const writer = batchedWriter(out);
        let batch: string[] = [];
        const flush = async (): Promise<void> => {
          if (batch.length === 0) return;
          const input = batch;
          batch = [];
          const output = await lease.model.process(input, signal);
          await writer.add(outputText(output, blocks, written));
          written ||= output.length > 0;
          lines += output.length;
          signal?.throwIfAborted();
          await breathe();
        };
        for await (const line of shardLines(chunk)) {
          batch.push(line);
          if (batch.length >= plan.batchLines && (plan.split === 'lines' || line.trim() === '')) await flush();
        }
        await flush();
        await writer.flush();
      } finally {
        await out.close();
      }
      await storage.publish(key, file);
      return { lines, skipped: false };
    });
  } finally {
    lease.release();
  }
}

/**
 * Fan-in job: joins the chunks' outputs in input order — for `blocks` output, one blank line between the non-empty
 * ones — publishes the result as the plan's output and records it done (`corpus-done.json`).
 */
export async function corpusJoinJob(storage: SharedStorage, plan: CorpusPlan, signal?: AbortSignal): Promise<CorpusDone> {
  let lines = 0;
  await inScratch(storage, plan.id, 'corpus-join', async (folder) => {
    const file = join(folder, 'output.txt');
    const out = await open(file, 'w');
    try {
      let written = false;
      for (let i = 0; i < plan.chunks.length; i++) {
        const path = await runFile(storage, plan.id, corpusChunkName(i), 'corpus-join');
        if ((await stat(path)).size === 0) continue;
        if (written && plan.join === 'blocks') {
          await out.write('\n');
          lines++;
        }
        written = true;
        for await (const piece of createReadStream(path) as AsyncIterable<Buffer>) {
          for (let at = piece.indexOf(10); at !== -1; at = piece.indexOf(10, at + 1)) lines++;
          for (let offset = 0; offset < piece.length; ) offset += (await out.write(piece, offset)).bytesWritten;
        }
        signal?.throwIfAborted();
      }
    } finally {
      await out.close();
    }
    await storage.publish(plan.output, file);
  });
  const done: CorpusDone = { lines };
  await writeRunJson(storage, plan.id, 'corpus-done.json', done);
  return done;
}

/** Runs corpus job `name` of run `data.run` (what a worker does with the corpus jobs it takes). */
export async function processCorpusJob(
  storage: SharedStorage,
  name: (typeof CORPUS_JOBS)[number],
  data: { readonly run: string; readonly index: number },
  processors: Readonly<Record<string, CorpusProcessor>>,
  models: CorpusModelCache,
  signal?: AbortSignal,
): Promise<unknown> {
  const index = check.integer(data.index, 'job.data.index', 0);
  const plan = await readRunJson<CorpusPlan>(storage, data.run, 'corpus-plan.json', name);
  return name === 'corpus-chunk' ? corpusChunkJob(storage, plan, index, processors, models, signal) : corpusJoinJob(storage, plan, signal);
}
