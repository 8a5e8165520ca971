import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DiskWorkspace, RecordWriter, eachKneserNeyContext } from '@nlpkit/ngram/node';
import { type ModelStatistics, type RunPlan, breathe, inScratch, readRunJson, runFile, runKey } from './runPlan.js';
import type { SharedStorage } from './sharedStorage.js';

/** The ARPA part (index into `ranges`) whose range of last words holds word `w`. */
export function rangeOf(ranges: readonly number[], w: number): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ranges[mid]! <= w) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Reduce job 2, partition `q`: for each order n ≥ 2, the adjusted counts whose context hashes here, sorted in
 * context order, give each context's interpolation weight and its n-grams' discounted probabilities — the
 * single-process pass 3 (`eachKneserNeyContext` of `@nlpkit/ngram/node`, the same float32 steps). Each n-gram goes,
 * stored last word first (`[wn … w1, discounted, gamma]`), to the ARPA part of its last word; each context's weight
 * (`[w(n−1) … w1, gamma]`) to the part of the context's last word.
 */
export async function estimateJob(storage: SharedStorage, plan: RunPlan, q: number, signal?: AbortSignal): Promise<{ ngrams: number }> {
  const job = `estimate ${q + 1}`;
  const V = (await readRunJson<string[]>(storage, plan.id, 'vocabulary.json', job)).length;
  const model = await readRunJson<ModelStatistics>(storage, plan.id, 'model.json', job);
  const { order: N, partitions: P } = plan;
  const R = model.ranges.length;
  const float = new Float32Array(1);
  const bits = new Uint32Array(float.buffer);
  const toBits = (x: number): number => {
    float[0] = x;
    return bits[0]!;
  };
  return inScratch(storage, plan.id, `estimate-${q}`, async (folder) => {
    const workspace = new DiskWorkspace(folder, plan.memory, V, plan.maxOpenFiles, signal);
    let ngrams = 0;
    for (let n = 2; n <= N; n++) {
      const sorter = workspace.sorter(n + 1, n, Math.floor(plan.memory / 2), `adjusted-${n}`, false);
      for (let p = 0; p < P; p++) {
        const reader = workspace.open(await runFile(storage, plan.id, `adjusted/part-${p}/order-${n}/to-${q}.bin`, job), n + 1);
        try {
          while (reader.next()) {
            const s = sorter.slot();
            for (let k = 0; k <= n; k++) sorter.buffer[s + k] = reader.buffer[reader.at + k]!;
          }
        } finally {
          workspace.close(reader);
        }
        await breathe();
      }
      workspace.finish(sorter, `adjusted-${n}`);
      const estimates = Array.from({ length: R }, (_, r) => new RecordWriter(join(folder, `estimate-${n}-to-${r}.bin`), n + 2, 1024, workspace.budget));
      const weights = Array.from({ length: R }, (_, r) => new RecordWriter(join(folder, `weights-${n}-to-${r}.bin`), n, 1024, workspace.budget));
      const reader = workspace.open(workspace.path(`adjusted-${n}`), n + 1, n);
      try {
        const cursor = {
          buffer: reader.buffer,
          get at() {
            return reader.at;
          },
          get adjusted() {
            return reader.buffer[reader.at + n]!;
          },
          next: () => reader.next(),
        };
        eachKneserNeyContext(n, cursor, V, model.discounts[n - 1]!, ({ context, lasts, discountedBits, size, gamma }) => {
          const gammaBits = toBits(gamma);
          for (let i = 0; i < size; i++) {
            const writer = estimates[rangeOf(model.ranges, lasts[i]!)]!;
            const s = writer.slot();
            const out = writer.buffer;
            out[s] = lasts[i]!;
            for (let k = 1; k < n; k++) out[s + k] = context[n - 1 - k]!;
            out[s + n] = discountedBits[i]!;
            out[s + n + 1] = gammaBits;
          }
          const writer = weights[rangeOf(model.ranges, context[n - 2]!)]!;
          const w = writer.slot();
          for (let k = 0; k < n - 1; k++) writer.buffer[w + k] = context[n - 2 - k]!;
          writer.buffer[w + n - 1] = gammaBits;
          ngrams += size;
        }, signal);
      } finally {
        workspace.close(reader);
        for (const writer of [...estimates, ...weights]) writer.close();
      }
      rmSync(workspace.path(`adjusted-${n}`), { force: true });
      const prefix = `estimate/part-${q}/order-${n}`;
      for (let r = 0; r < R; r++) {
        await storage.publish(runKey(plan.id, `${prefix}/estimate-to-${r}.bin`), join(folder, `estimate-${n}-to-${r}.bin`));
        await storage.publish(runKey(plan.id, `${prefix}/weights-to-${r}.bin`), join(folder, `weights-${n}-to-${r}.bin`));
      }
      await breathe();
      signal?.throwIfAborted();
    }
    return { ngrams };
  });
}
