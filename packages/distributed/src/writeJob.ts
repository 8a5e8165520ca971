import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DiskWorkspace, interpolatedArpaSections } from '@nlpkit/ngram/node';
import { type ModelStatistics, type RunPlan, breathe, inScratch, readRunJson, runFile, runKey, sortRecordFiles } from './runPlan.js';
import type { SharedStorage } from './sharedStorage.js';

/**
 * Reduce job 3, ARPA part `r`: the n-grams whose last word is in the part's range, sorted into KenLM's suffix order
 * with the contexts' weights, interpolated and written as ARPA lines by the single-process pass 4
 * (`interpolatedArpaSections` of `@nlpkit/ngram/node`), one text file per order (`arpa/part-r/order-n.txt`). Suffix
 * order sorts by the last word first, so the parts concatenate, order by order, into the whole file.
 */
export async function writeJob(storage: SharedStorage, plan: RunPlan, r: number, signal?: AbortSignal): Promise<{ bytes: number }> {
  const job = `write ${r + 1}`;
  const words = await readRunJson<string[]>(storage, plan.id, 'vocabulary.json', job);
  const V = words.length;
  const model = await readRunJson<ModelStatistics>(storage, plan.id, 'model.json', job);
  const prob1 = new Float32Array(new Uint8Array(await storage.read(runKey(plan.id, 'prob1.bin'))).buffer);
  const { order: N, partitions: P } = plan;
  return inScratch(storage, plan.id, `write-${r}`, async (folder) => {
    const workspace = new DiskWorkspace(folder, plan.memory, V, plan.maxOpenFiles, signal);
    for (let n = 2; n <= N; n++) {
      for (const [name, width, key] of [['estimate', n + 2, n], ['weights', n, n - 1]] as const) {
        const files: string[] = [];
        for (let q = 0; q < P; q++) files.push(await runFile(storage, plan.id, `estimate/part-${q}/order-${n}/${name}-to-${r}.bin`, job));
        await sortRecordFiles(workspace, files, { width, key, memory: plan.memory, name: `${name}-${n}`, sum: false });
      }
    }
    const range = { from: model.ranges[r]!, to: model.ranges[r + 1] ?? V };
    const files = Array.from({ length: N }, (_, n) => join(folder, `order-${n + 1}.txt`));
    const fds = files.map((file) => openSync(file, 'w'));
    let bytes = 0;
    try {
      for await (const chunk of interpolatedArpaSections(workspace, N, words, prob1, range)) {
        const data = chunk.bytes;
        for (let offset = 0; offset < data.length; ) offset += writeSync(fds[chunk.order - 1]!, data, offset);
        bytes += data.length;
        await breathe();
        signal?.throwIfAborted();
      }
    } finally {
      for (const fd of fds) closeSync(fd);
    }
    for (let n = 1; n <= N; n++) await storage.publish(runKey(plan.id, `arpa/part-${r}/order-${n}.txt`), files[n - 1]!);
    return { bytes };
  });
}
