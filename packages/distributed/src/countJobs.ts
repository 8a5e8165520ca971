import { join } from 'node:path';
import { NgramWordIndex, kenlmWords } from '@nlpkit/ngram';
import { MemoryBudget, RecordReader, RecordWriter, countNgramsOnDisk, encodeTrainingSentence } from '@nlpkit/ngram/node';
import { type RunPlan, breathe, inScratch, partitionOf, readRunJson, readWordIndex, runKey, writeRunJson } from './runPlan.js';
import { type Shard, shardLines } from './shards.js';
import type { SharedStorage } from './sharedStorage.js';

/** The sentences of a shard, words split as lmplz splits them (as `nlpkit ngram train` reads its input). */
export async function* shardSentences(shard: Shard): AsyncGenerator<string[], void, undefined> {
  for await (const line of shardLines(shard)) yield kenlmWords(line, 'lmplz');
}

/** Map job 0: the words of shard `index` in first-seen order (`vocab/shard-i.json`, without the reserved words). */
export async function vocabularyJob(storage: SharedStorage, plan: RunPlan, index: number, signal?: AbortSignal): Promise<{ words: number }> {
  const words = new NgramWordIndex();
  const ids: number[] = [];
  let line = 0;
  for await (const sentence of shardSentences(plan.shards[index]!)) {
    encodeTrainingSentence(sentence, words, ++line, ids);
    if ((line & 1023) === 0) signal?.throwIfAborted();
  }
  const list = words.words().slice(3);
  await writeRunJson(storage, plan.id, `vocab/shard-${index}.json`, list);
  return { words: list.length };
}

/**
 * Fan-in of the vocabulary jobs: the shards' word lists joined in shard order, each word kept where it first
 * appears — the corpus's first-seen order, which is the word order (and so the unigram order and every sort order)
 * of the single-process estimator.
 */
export async function mergeVocabularyJob(storage: SharedStorage, plan: RunPlan): Promise<{ words: number }> {
  const index = new NgramWordIndex();
  for (let i = 0; i < plan.shards.length; i++) {
    for (const word of await readRunJson<string[]>(storage, plan.id, `vocab/shard-${i}.json`, 'vocabulary')) index.add(word);
  }
  await writeRunJson(storage, plan.id, 'vocabulary.json', index.words());
  return { words: index.size };
}

/**
 * Map job 1: counts shard `index` with the run's word ids (`countNgramsOnDisk`, bounded memory), then splits each
 * order n ≥ 2 into the partitions of the adjusted-count pass by the hash of the n-gram without its first word —
 * so every left extension of an n-gram meets in one partition — storing each record rotated, `[w2 … wn, w1,
 * count]`. Unigram counts stay whole. Every file is published atomically; a retry rewrites the same bytes.
 */
export async function countJob(storage: SharedStorage, plan: RunPlan, index: number, signal?: AbortSignal): Promise<{ sentences: number; tokens: number }> {
  const wordIndex = await readWordIndex(storage, plan, `count ${index + 1}`);
  const { order, partitions: P } = plan;
  return inScratch(storage, plan.id, `count-${index}`, async (folder) => {
    const counted = await countNgramsOnDisk(shardSentences(plan.shards[index]!), {
      order,
      memoryBytes: plan.memory,
      directory: join(folder, 'counts'),
      maxOpenFiles: plan.maxOpenFiles,
      wordIndex,
      ...(signal ? { signal } : {}),
    });
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
          const writer = writers[partitionOf(buf, at + 1, n - 1, P)]!;
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
    const result = { sentences: counted.sentences, tokens: counted.tokens };
    await writeRunJson(storage, plan.id, `${prefix}/done.json`, result);
    return result;
  });
}
