import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { NgramWordIndex } from '@nlpkit/ngram';
import {
  BOS_INDEX,
  DiskWorkspace,
  MemoryBudget,
  RecordReader,
  RecordWriter,
  STUPID_BACKOFF_END,
  StupidBackoffLineWriter,
  countNgramsOnDisk,
  encodeTrainingSentence,
  stupidBackoffHeader,
  stupidBackoffSectionHeader,
} from '@nlpkit/ngram/node';
import { assembleParts } from './assembleJob.js';
import { shardSentences } from './countJobs.js';
import { type RunPlan, breathe, inScratch, readRunJson, runFile, runKey, sortRecordFiles, writeRunJson } from './runPlan.js';
import type { SharedStorage } from './sharedStorage.js';

/**
 * The plan of a distributed stupid-backoff run (`runs/<id>/plan.json`): a {@link RunPlan} — so the shared
 * `merge-vocabulary` fan-in reads it as it is — with the file's default alpha and the number of word-id buckets the
 * count jobs cut their counts into (the reduce jobs take contiguous runs of buckets, balanced by size).
 */
export interface StupidBackoffPlan extends RunPlan {
  readonly alpha: number;
  readonly buckets: number;
}

/** What a count job reports (`stupid/counts/shard-i/done.json`): records per order (index n − 1) and bucket. */
export interface CountedShard {
  readonly records: number[][];
  readonly sentences: number;
  readonly tokens: number;
}

/** What the count stage's fan-in decides (`stupid/parts.json`): the first bucket of each reduce part, ascending from 0. */
export interface StupidBackoffParts {
  readonly firstBuckets: number[];
  readonly sentences: number;
  readonly tokens: number;
}

/** The bucket of word id `w` among `buckets` even ranges of a vocabulary of `V` words. */
const bucketOf = (w: number, buckets: number, V: number): number => Math.floor((w * buckets) / V);
/** The first word id of bucket `b` (the inverse of {@link bucketOf}). */
const firstWordOf = (b: number, buckets: number, V: number): number => Math.ceil((b * V) / buckets);

const countKey = (shard: number, n: number, b: number): string => `stupid/counts/shard-${shard}/order-${n}/bucket-${b}.bin`;
const partKey = (r: number, n: number): string => `stupid/parts/part-${r}/order-${n}.txt`;

/**
 * Map job 1, shard `index`: its words in first-seen order (`vocab/shard-i.json`, what the `merge-vocabulary` fan-in
 * joins into the corpus's word order — the single-process model's), the sentences checked as counting checks them.
 */
export async function stupidVocabularyJob(storage: SharedStorage, plan: StupidBackoffPlan, index: number, signal?: AbortSignal): Promise<{ words: number }> {
  const words = new NgramWordIndex();
  const ids: number[] = [];
  let line = 0;
  for await (const sentence of shardSentences(plan.shards[index]!)) {
    encodeTrainingSentence(sentence, words, ++line, ids);
    if ((line & 0xffff) === 0) {
      await breathe();
      signal?.throwIfAborted();
    }
  }
  await writeRunJson(storage, plan.id, `vocab/shard-${index}.json`, words.words().slice(3));
  return { words: words.size };
}

/**
 * Map job 2, shard `index`: counts every order 1..N of the shard with bounded memory (`countNgramsOnDisk`) in the
 * corpus's word ids, so its sorted count files are sorted as the output is; cuts each into the buckets of its
 * first word (contiguous in a sorted file: one sequential pass) and publishes them.
 */
export async function stupidCountJob(storage: SharedStorage, plan: StupidBackoffPlan, index: number, signal?: AbortSignal): Promise<CountedShard> {
  const words = await readRunJson<string[]>(storage, plan.id, 'vocabulary.json', `stupid-count ${index + 1}`);
  const wordIndex = new NgramWordIndex();
  for (const word of words.slice(3)) wordIndex.add(word);
  const V = words.length;
  const B = plan.buckets;
  return inScratch(storage, plan.id, `stupid-count-${index}`, async (folder) => {
    const counted = await countNgramsOnDisk(shardSentences(plan.shards[index]!), {
      order: plan.order,
      memoryBytes: plan.memory,
      directory: join(folder, 'counts'),
      maxOpenFiles: plan.maxOpenFiles,
      wordIndex,
      ...(signal ? { signal } : {}),
    });
    const budget = new MemoryBudget(Number.MAX_SAFE_INTEGER);
    const records: number[][] = [];
    for (let n = 1; n <= plan.order; n++) {
      const width = n + 1;
      const perBucket = new Array<number>(B).fill(0);
      const reader = new RecordReader(counted.files[n - 1]!, width, new Uint32Array(8192 * width));
      const fileOf = (b: number): string => join(folder, `order-${n}-bucket-${b}.bin`);
      let bucket = 0;
      let writer = new RecordWriter(fileOf(0), width, 2048, budget);
      try {
        const buf = reader.buffer;
        let steps = 0;
        while (reader.next()) {
          const at = reader.at;
          const b = bucketOf(buf[at]!, B, V);
          while (bucket < b) {
            writer.close();
            writer = new RecordWriter(fileOf(++bucket), width, 2048, budget);
          }
          const s = writer.slot();
          for (let k = 0; k < width; k++) writer.buffer[s + k] = buf[at + k]!;
          perBucket[b]! += 1;
          if ((++steps & 0x3ffff) === 0) {
            await breathe();
            signal?.throwIfAborted();
          }
        }
        while (bucket < B - 1) {
          writer.close();
          writer = new RecordWriter(fileOf(++bucket), width, 1, budget);
        }
      } finally {
        reader.close();
        writer.close();
      }
      for (let b = 0; b < B; b++) await storage.publish(runKey(plan.id, countKey(index, n, b)), fileOf(b));
      records.push(perBucket);
    }
    const result: CountedShard = { records, sentences: counted.sentences, tokens: counted.tokens };
    await writeRunJson(storage, plan.id, `stupid/counts/shard-${index}/done.json`, result);
    return result;
  });
}

/**
 * Fan-in of the count jobs: groups the buckets into at most `plan.partitions` contiguous parts of about equal size
 * (bytes of records over all shards and orders) — the reduce jobs — as `stupid/parts.json`.
 */
export async function stupidCountedJob(storage: SharedStorage, plan: StupidBackoffPlan): Promise<StupidBackoffParts> {
  const sizes = new Array<number>(plan.buckets).fill(0);
  let sentences = 0;
  let tokens = 0;
  for (let i = 0; i < plan.shards.length; i++) {
    const done = await readRunJson<CountedShard>(storage, plan.id, `stupid/counts/shard-${i}/done.json`, 'stupid-counted');
    sentences += done.sentences;
    tokens += done.tokens;
    done.records.forEach((perBucket, n) => perBucket.forEach((r, b) => (sizes[b]! += r * (n + 2))));
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  const firstBuckets = [0];
  for (let b = 0, sum = 0; b < plan.buckets; b++) {
    // A new part starts when the parts so far hold their share (the last part takes the rest).
    if (sum >= (total * firstBuckets.length) / plan.partitions && firstBuckets.length < plan.partitions) firstBuckets.push(b);
    sum += sizes[b]!;
  }
  const parts: StupidBackoffParts = { firstBuckets, sentences, tokens };
  await writeRunJson(storage, plan.id, 'stupid/parts.json', parts);
  return parts;
}

/**
 * Reduce job, part `r`: the n-grams whose first word is in the part's buckets, every shard's counts merged (equal
 * n-grams summed, sorted by word ids: the file's order), written as the file's lines by the same formatter as the
 * single-process writer (`StupidBackoffLineWriter`); the unigrams are every word of the part's id range, `<s>`
 * with count 0 (it is never predicted). One text file per order, and the entries per order in `done.json`.
 */
export async function stupidReduceJob(storage: SharedStorage, plan: StupidBackoffPlan, r: number, signal?: AbortSignal): Promise<{ counts: number[] }> {
  const job = `stupid-reduce ${r + 1}`;
  const words = await readRunJson<string[]>(storage, plan.id, 'vocabulary.json', job);
  const { firstBuckets } = await readRunJson<StupidBackoffParts>(storage, plan.id, 'stupid/parts.json', job);
  const V = words.length;
  const B = plan.buckets;
  const b0 = firstBuckets[r]!;
  const b1 = firstBuckets[r + 1] ?? B;
  const lo = firstWordOf(b0, B, V);
  const hi = firstWordOf(b1, B, V);
  const bucketFiles = async (n: number): Promise<string[]> => {
    const files: string[] = [];
    for (let i = 0; i < plan.shards.length; i++) for (let b = b0; b < b1; b++) files.push(await runFile(storage, plan.id, countKey(i, n, b), job));
    return files;
  };
  return inScratch(storage, plan.id, `stupid-reduce-${r}`, async (folder) => {
    const workspace = new DiskWorkspace(folder, plan.memory, V, plan.maxOpenFiles, signal);
    const counts: number[] = [];
    for (let n = 1; n <= plan.order; n++) {
      const width = n + 1;
      const file = join(folder, `order-${n}.txt`);
      const out = await open(file, 'w');
      const lines = new StupidBackoffLineWriter(words);
      const flush = async (): Promise<void> => {
        const bytes = lines.take();
        for (let offset = 0; offset < bytes.length; ) offset += (await out.write(bytes, offset)).bytesWritten;
      };
      try {
        if (n === 1) {
          const unigrams = new Float64Array(hi - lo);
          for (const path of await bucketFiles(1)) {
            const reader = workspace.open(path, 2);
            try {
              while (reader.next()) unigrams[reader.buffer[reader.at]! - lo]! += reader.buffer[reader.at + 1]!;
            } finally {
              workspace.close(reader);
            }
          }
          if (BOS_INDEX >= lo && BOS_INDEX < hi) unigrams[BOS_INDEX - lo] = 0;
          const one = new Uint32Array(1);
          for (let w = lo; w < hi; w++) {
            one[0] = w;
            lines.line(unigrams[w - lo]!, one, 0, 1);
            if (lines.full) await flush();
          }
          counts.push(hi - lo);
        } else {
          await sortRecordFiles(workspace, await bucketFiles(n), { width, key: n, memory: plan.memory, name: `sorted-${n}`, sum: true }, signal);
          const reader = workspace.open(workspace.path(`sorted-${n}`), width, n);
          let entries = 0;
          try {
            while (reader.next()) {
              lines.line(reader.buffer[reader.at + n]!, reader.buffer, reader.at, n);
              if (lines.full) await flush();
              if ((++entries & 0x3ffff) === 0) {
                await breathe();
                signal?.throwIfAborted();
              }
            }
          } finally {
            workspace.close(reader);
          }
          counts.push(entries);
        }
        await flush();
      } finally {
        await out.close();
      }
      await storage.publish(runKey(plan.id, partKey(r, n)), file);
    }
    await writeRunJson(storage, plan.id, `stupid/parts/part-${r}/done.json`, { counts });
    return { counts };
  });
}

/**
 * Fan-in of the reduce jobs: the stupid-backoff file — the header (entries per order summed over the parts, alpha
 * from the plan, kenlm padding: the counting convention of `countNgramsOnDisk`), then order by order the parts'
 * lines in part order — published atomically as the run's output: byte for byte the single-process file.
 */
export async function stupidAssembleJob(storage: SharedStorage, plan: StupidBackoffPlan): Promise<{ output: string; bytes: number; counts: number[] }> {
  const { firstBuckets } = await readRunJson<StupidBackoffParts>(storage, plan.id, 'stupid/parts.json', 'stupid-assemble');
  const counts = new Array<number>(plan.order).fill(0);
  for (let r = 0; r < firstBuckets.length; r++) {
    const done = await readRunJson<{ counts: number[] }>(storage, plan.id, `stupid/parts/part-${r}/done.json`, 'stupid-assemble');
    done.counts.forEach((c, n) => (counts[n]! += c));
  }
  const header = stupidBackoffHeader({ order: plan.order, padding: 'kenlm', alpha: plan.alpha, counts });
  const result = await assembleParts(storage, plan, 'stupid-assemble', {
    header,
    parts: firstBuckets.length,
    partKey,
    sectionHeader: stupidBackoffSectionHeader,
    end: STUPID_BACKOFF_END,
  });
  return { ...result, counts };
}
