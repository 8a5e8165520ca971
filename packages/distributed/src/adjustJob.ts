import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BOS_INDEX, DiskWorkspace, FinalNgramQuirk, RecordWriter } from '@nlpkit/ngram/node';
import { type RunPlan, breathe, inScratch, partitionOf, readRunJson, runFile, runKey, writeRunJson } from './runPlan.js';
import { readIdMap } from './countJobs.js';
import type { SharedStorage } from './sharedStorage.js';

/** What one adjusted-count partition reports to the discounts job (`adjusted/part-p/stats.json`). */
export interface AdjustStatistics {
  /** Distinct n-grams of each order (index n − 1; unigrams: 0) whose records this partition holds. */
  distinct: number[];
  /** Counts-of-counts `[0, n1, n2, n3, n4]` of the adjusted counts computed here, per order (index n − 1; unigrams: none). */
  countsOfCounts: number[][];
  /** The greatest candidate of lmplz's final-n-gram quirk here, if any. */
  best: number[] | null;
  /** N-grams ending in the last word of the vocabulary: raw counts held here, adjusted counts computed here. */
  topRaw: [number[], number][];
  topAdjusted: [number[], number][];
}

/**
 * Reduce job 1, partition `p`: for each order n ≥ 2, merges this partition's records of every shard — in the
 * corpus's word ids, sorted by
 * the n-gram without its first word, then by the first word, equal n-grams summed — so that each (n−1)-gram's
 * left extensions are adjacent: their number is its continuation count, its adjusted count. The highest order and
 * `<s>`-initial n-grams keep their raw count. Each adjusted count goes to the partition of the estimation pass that
 * holds its context (hash of the n-gram without its last word), as `[w1 … wn, adjusted]`; the unigrams' to
 * `adjusted/part-p/unigrams.bin`; the statistics the discounts need to `stats.json`.
 */
export async function adjustJob(storage: SharedStorage, plan: RunPlan, p: number, signal?: AbortSignal): Promise<{ ngrams: number }> {
  const job = `adjust ${p + 1}`;
  const V = (await readRunJson<string[]>(storage, plan.id, 'vocabulary.json', job)).length;
  const { order: N, partitions: P } = plan;
  const idMaps = await Promise.all(plan.shards.map((_, i) => readIdMap(storage, plan, i)));
  return inScratch(storage, plan.id, `adjust-${p}`, async (folder) => {
    const workspace = new DiskWorkspace(folder, plan.memory, V, plan.maxOpenFiles, signal);
    const budget = workspace.budget;
    const quirk = new FinalNgramQuirk(N, V);
    const stats: AdjustStatistics = {
      distinct: new Array<number>(N).fill(0),
      countsOfCounts: Array.from({ length: N }, () => [0, 0, 0, 0, 0]),
      best: null,
      topRaw: [],
      topAdjusted: [],
    };
    const fileOf = (m: number, q: number): string => join(folder, `adj-${m}-to-${q}.bin`);
    const writers: RecordWriter[][] = [];
    for (let m = 2; m <= N; m++) writers[m] = Array.from({ length: P }, (_, q) => new RecordWriter(fileOf(m, q), m + 1, 1024, budget));
    const unigrams = new RecordWriter(join(folder, 'unigrams.bin'), 2, 1024, budget);
    const emit = (m: number, words: Uint32Array, a: number): void => {
      if (m === 1) {
        const s = unigrams.slot();
        unigrams.buffer[s] = words[0]!;
        unigrams.buffer[s + 1] = a;
        return;
      }
      if (a > 0 && a < 5) stats.countsOfCounts[m - 1]![a]! += 1;
      const writer = writers[m]![partitionOf(words, 0, m - 1, P)]!;
      const s = writer.slot();
      for (let k = 0; k < m; k++) writer.buffer[s + k] = words[k]!;
      writer.buffer[s + m] = a;
      if (words[m - 1] === quirk.top) stats.topAdjusted.push([Array.from(words), a]);
    };
    let ngrams = 0;
    try {
      for (let n = 2; n <= N; n++) {
        const width = n + 1;
        const sorter = workspace.sorter(width, n, Math.floor(plan.memory / 2), `sorted-${n}`, true);
        for (let i = 0; i < plan.shards.length; i++) {
          // Shard i counted with its own word ids: the corpus's ids are looked up as the records go in.
          const ids = idMaps[i]!;
          const reader = workspace.open(await runFile(storage, plan.id, `counts/shard-${i}/order-${n}/part-${p}.bin`, job), width);
          try {
            while (reader.next()) {
              const s = sorter.slot();
              for (let k = 0; k < n; k++) sorter.buffer[s + k] = ids[reader.buffer[reader.at + k]!]!;
              sorter.buffer[s + n] = reader.buffer[reader.at + n]!;
            }
          } finally {
            workspace.close(reader);
          }
          await breathe();
        }
        workspace.finish(sorter, `sorted-${n}`);
        const reader = workspace.open(workspace.path(`sorted-${n}`), width, n);
        const gram = new Uint32Array(n);
        const key = new Uint32Array(n - 1);
        let group = 0;
        try {
          const buf = reader.buffer;
          while (reader.next()) {
            const at = reader.at;
            if (group > 0) {
              let same = true;
              for (let k = 0; same && k < n - 1; k++) same = key[k] === buf[at + k];
              if (!same) {
                emit(n - 1, key, group);
                group = 0;
              }
            }
            if (group === 0) for (let k = 0; k < n - 1; k++) key[k] = buf[at + k]!;
            group++;
            gram[0] = buf[at + n - 1]!;
            for (let k = 1; k < n; k++) gram[k] = buf[at + k - 1]!;
            const raw = buf[at + n]!;
            stats.distinct[n - 1]! += 1;
            if (n === N || gram[0] === BOS_INDEX) emit(n, gram, raw);
            if (quirk.isCandidate(n, gram[0]!, gram[n - 1]!)) quirk.offer(gram);
            if (gram[n - 1] === quirk.top) stats.topRaw.push([Array.from(gram), raw]);
            if ((++ngrams & 0x3ffff) === 0) {
              await breathe();
              signal?.throwIfAborted();
            }
          }
          if (group > 0) emit(n - 1, key, group);
        } finally {
          workspace.close(reader);
        }
        rmSync(workspace.path(`sorted-${n}`), { force: true });
        await breathe();
        signal?.throwIfAborted();
      }
    } finally {
      unigrams.close();
      for (const row of writers) if (row) for (const writer of row) writer.close();
    }
    stats.best = quirk.best === undefined ? null : [...quirk.best];
    const prefix = `adjusted/part-${p}`;
    await storage.publish(runKey(plan.id, `${prefix}/unigrams.bin`), join(folder, 'unigrams.bin'));
    for (let m = 2; m <= N; m++) {
      for (let q = 0; q < P; q++) await storage.publish(runKey(plan.id, `${prefix}/order-${m}/to-${q}.bin`), fileOf(m, q));
    }
    await writeRunJson(storage, plan.id, `${prefix}/stats.json`, stats);
    return { ngrams };
  });
}
