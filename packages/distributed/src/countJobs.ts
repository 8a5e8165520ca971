import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NgramWordIndex, kenlmWords } from '@nlpkit/ngram';
import { MemoryBudget, RecordReader, RecordWriter, countNgramsOnDisk } from '@nlpkit/ngram/node';
import { type RunPlan, breathe, inScratch, readRunJson, runKey, writeRunJson } from './runPlan.js';
import { type Shard, shardLines } from './shards.js';
import type { SharedStorage } from './sharedStorage.js';

/** The sentences of a shard, words split as lmplz splits them (as `nlpkit ngram train` reads its input). */
export async function* shardSentences(shard: Shard): AsyncGenerator<string[], void, undefined> {
  for await (const line of shardLines(shard)) yield kenlmWords(line, 'lmplz');
}

/** FNV-1a over a word's UTF-16 code units: the same number for the same word in every shard, on every machine. */
export function wordHash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The partition among `partitions` of the words `buffer[at .. at + length)`, from their words' hashes `hashes[id]`. */
export function partitionOfWords(hashes: Uint32Array, buffer: Uint32Array, at: number, length: number, partitions: number): number {
  let h = 0x9e3779b9;
  for (let k = 0; k < length; k++) h = Math.imul(h ^ hashes[buffer[at + k]!]!, 0x01000193) ^ (h >>> 15);
  return (h >>> 0) % partitions;
}

/**
 * Map job: counts shard `index` with bounded memory (`countNgramsOnDisk`), with the shard's own word ids (its
 * words in first-seen order, published as `vocab/shard-i.json`), then splits each order n ≥ 2 into the partitions
 * of the adjusted-count pass by a hash of the *words* of the n-gram without its first word — the same partition
 * whichever shard saw it, so every left extension of an n-gram meets in one partition — storing each record
 * rotated, `[w2 … wn, w1, count]`. Unigram counts stay whole. Every file is published atomically; a retry
 * rewrites the same bytes.
 */
export async function countJob(storage: SharedStorage, plan: RunPlan, index: number, signal?: AbortSignal): Promise<{ sentences: number; tokens: number }> {
  const { order, partitions: P } = plan;
  return inScratch(storage, plan.id, `count-${index}`, async (folder) => {
    const counted = await countNgramsOnDisk(shardSentences(plan.shards[index]!), {
      order,
      memoryBytes: plan.memory,
      directory: join(folder, 'counts'),
      maxOpenFiles: plan.maxOpenFiles,
      ...(signal ? { signal } : {}),
    });
    const words = counted.wordIndex.words();
    const hashes = Uint32Array.from(words, wordHash);
    const prefix = `counts/shard-${index}`;
    await storage.publish(runKey(plan.id, `${prefix}/unigrams.bin`), counted.files[0]!);
    const budget = new MemoryBudget(Number.MAX_SAFE_INTEGER);
    for (let n = 2; n <= order; n++) {
      const width = n + 1;
      const reader = new RecordReader(counted.files[n - 1]!, width, new Uint32Array(8192 * width));
      const writers = Array.from({ length: P }, (_, p) => new RecordWriter(join(folder, `order-${n}-part-${p}.bin`), width, 2048, budget));
      try {
        const buf = reader.buffer;
        let steps = 0;
        while (reader.next()) {
          const at = reader.at;
          const writer = writers[partitionOfWords(hashes, buf, at + 1, n - 1, P)]!;
          const s = writer.slot();
          const out = writer.buffer;
          for (let k = 1; k < n; k++) out[s + k - 1] = buf[at + k]!;
          out[s + n - 1] = buf[at]!;
          out[s + n] = buf[at + n]!;
          if ((++steps & 0x3ffff) === 0) {
            await breathe();
            signal?.throwIfAborted();
          }
        }
      } finally {
        reader.close();
        for (const writer of writers) writer.close();
      }
      for (let p = 0; p < P; p++) await storage.publish(runKey(plan.id, `${prefix}/order-${n}/part-${p}.bin`), join(folder, `order-${n}-part-${p}.bin`));
    }
    await writeRunJson(storage, plan.id, `vocab/shard-${index}.json`, words.slice(3));
    const result = { sentences: counted.sentences, tokens: counted.tokens };
    await writeRunJson(storage, plan.id, `${prefix}/done.json`, result);
    return result;
  });
}

/**
 * Fan-in of the count jobs: the shards' word lists joined in shard order, each word kept where it first appears —
 * the corpus's first-seen order, which is the word order (so the unigram order and every sort order) of the
 * single-process estimator (`vocabulary.json`) — and, per shard, the map from its word ids to the corpus's
 * (`vocab/ids-i.bin`, uint32; the reserved words keep theirs).
 */
export async function mergeVocabularyJob(storage: SharedStorage, plan: RunPlan): Promise<{ words: number }> {
  const index = new NgramWordIndex();
  const maps: Uint32Array[] = [];
  for (let i = 0; i < plan.shards.length; i++) {
    const list = await readRunJson<string[]>(storage, plan.id, `vocab/shard-${i}.json`, 'merge-vocabulary');
    const ids = new Uint32Array(3 + list.length);
    ids.set([0, 1, 2]);
    for (const [k, word] of list.entries()) ids[3 + k] = index.add(word);
    maps.push(ids);
  }
  await inScratch(storage, plan.id, 'merge-vocabulary', async (folder) => {
    for (const [i, ids] of maps.entries()) {
      const file = join(folder, `ids-${i}.bin`);
      await writeFile(file, new Uint8Array(ids.buffer));
      await storage.publish(runKey(plan.id, `vocab/ids-${i}.bin`), file);
    }
  });
  await writeRunJson(storage, plan.id, 'vocabulary.json', index.words());
  return { words: index.size };
}

/** Shard `i`'s map from its word ids to the corpus's (`vocab/ids-i.bin`). */
export async function readIdMap(storage: SharedStorage, plan: RunPlan, i: number): Promise<Uint32Array> {
  const bytes = await storage.read(runKey(plan.id, `vocab/ids-${i}.bin`));
  return new Uint32Array(new Uint8Array(bytes).buffer);
}
