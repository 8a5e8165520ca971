import { check } from './errors.js';
import { withStages } from './flowStage.js';
import { DEFAULT_QUEUE } from './processJob.js';
import { type EstimationOptions, prepareEstimation, runKey, writeRunJson } from './runPlan.js';
import type { StupidBackoffParts, StupidBackoffPlan } from './stupidBackoffJobs.js';

/** The stages of a distributed stupid-backoff run, in order, as `onProgress` reports them. */
export type StupidBackoffStage = 'vocabulary' | 'count' | 'reduce';

/** Options of {@link trainStupidBackoffDistributed}: those of `trainKneserNeyDistributed` that apply, and alpha. */
export interface DistributedStupidBackoffOptions extends EstimationOptions {
  /** The default backoff multiplier written in the file (default 0.4; readers may score with another). */
  alpha?: number;
  /** Told whenever a job of the run completes (progress across all workers). */
  onProgress?: (progress: { readonly stage: StupidBackoffStage; readonly done: number; readonly total: number }) => void;
}

/** What {@link trainStupidBackoffDistributed} returns. */
export interface DistributedStupidBackoffResult {
  /** The run's id (its files are under `runs/<run>/` in the storage). */
  run: string;
  /** The storage key of the stupid-backoff file. */
  output: string;
  /** Where the file can be read from this machine. */
  path: string;
  /** Entries per order in the file (`counts[0]`: the vocabulary, `<unk>`, `<s>` and `</s>` included). */
  counts: number[];
  sentences: number;
  tokens: number;
  /** Number of shards the input was cut into. */
  shards: number;
}

/**
 * Stupid backoff (Brants et al. 2007) counted by workers ({@link startWorker}) through BullMQ: the file is byte for
 * byte the one `writeStupidBackoffFile(stupidBackoff(collectNgramStatistics(sentences, { order })))` writes for
 * the same text (words split as lmplz splits them, kenlm padding). Three stages, each a BullMQ flow:
 * 1. vocabulary: each shard's words in first-seen order; the shared `merge-vocabulary` fan-in joins them into the
 *    corpus's word order (the single-process model's word indexes);
 * 2. count: each shard counted (all orders, bounded memory) in the corpus's word ids and cut into buckets of first
 *    words; the fan-in groups the buckets into parts of similar size;
 * 3. reduce: per part, every shard's counts merged and written as the file's lines; the fan-in concatenates the
 *    parts under the header.
 * Jobs are retried, taken over when their worker dies, and idempotent (each publishes its own files atomically).
 *
 * @throws RedisConnectionError for a refused password or unreachable Redis; DistributedJobError when a job fails
 * after its attempts; the signal's reason on abort.
 */
export async function trainStupidBackoffDistributed(options: DistributedStupidBackoffOptions): Promise<DistributedStupidBackoffResult> {
  check.options(options, 'options', [
    'redis', 'storage', 'input', 'order', 'alpha', 'shards', 'partitions', 'memory', 'maxOpenFiles', 'output', 'attempts', 'queue',
    'keepIntermediate', 'onProgress', 'signal',
  ]);
  const alpha = options.alpha ?? 0.4;
  if (typeof alpha !== 'number' || !(alpha > 0) || !Number.isFinite(alpha)) throw check.invalid(alpha, 'options.alpha', 'a positive number');
  const { connection, storage, queueName, attempts, plan: common } = await prepareEstimation(options, DEFAULT_QUEUE, 'model.sb');
  // Several buckets per part, so the fan-in can even out the parts (frequent words come first in the word order).
  const plan: StupidBackoffPlan = { ...common, alpha, buckets: Math.min(common.partitions * 8, 1 << 16) };
  const id = plan.id;
  await writeRunJson(storage, id, 'plan.json', plan);

  return withStages({ connection, queueName, run: id, attempts, signal: options.signal }, async (run) => {
    const stage = (name: StupidBackoffStage, fanIn: string, total: number): Promise<unknown> =>
      run(`stupid-${name}`, fanIn, total, options.onProgress === undefined ? undefined : (done, all) => options.onProgress!({ stage: name, done, total: all }));
    await stage('vocabulary', 'merge-vocabulary', plan.shards.length);
    const parts = (await stage('count', 'stupid-counted', plan.shards.length)) as StupidBackoffParts;
    const { counts } = (await stage('reduce', 'stupid-assemble', parts.firstBuckets.length)) as { counts: number[] };
    if (options.keepIntermediate !== true) {
      for (const folder of ['vocab', 'stupid']) await storage.remove(runKey(id, folder));
    }
    await storage.removeScratch(id);
    return {
      run: id,
      output: plan.output,
      path: await storage.localPath(plan.output),
      counts,
      sentences: parts.sentences,
      tokens: parts.tokens,
      shards: plan.shards.length,
    };
  });
}
