import { type KneserNeyDiscount, type NgramWarning, checkDiscountOptions } from '@nlpkit/ngram';
import { check } from './errors.js';
import { withStages } from './flowStage.js';
import { DEFAULT_QUEUE, type JOBS } from './processJob.js';
import { type EstimationOptions, type ModelStatistics, type RunPlan, prepareEstimation, runKey, writeRunJson } from './runPlan.js';

/** The stages of a distributed estimation, in order, as `onProgress` reports them. */
export type DistributedStage = 'count' | 'adjust' | 'estimate' | 'write';

/** What `onProgress` is told: in which stage the run is, and how many of its jobs are done. */
export interface DistributedProgress {
  readonly stage: DistributedStage;
  readonly done: number;
  readonly total: number;
}

/** Options of {@link trainKneserNeyDistributed}. */
export interface DistributedTrainOptions extends EstimationOptions {
  /** As `discounts` of `estimateKneserNey`: fixed discounts per order. */
  discounts?: readonly KneserNeyDiscount[];
  /** As `discountFallback` of `estimateKneserNey` (KenLM's `--discount_fallback`). */
  discountFallback?: KneserNeyDiscount;
  /** Told whenever a job of the run completes (progress across all workers). */
  onProgress?: (progress: DistributedProgress) => void;
}

/** What {@link trainKneserNeyDistributed} returns. */
export interface DistributedTrainResult {
  /** The run's id (its files are under `runs/<run>/` in the storage). */
  run: string;
  /** The storage key of the ARPA file. */
  output: string;
  /** Where the ARPA file can be read from this machine. */
  path: string;
  /** n-grams per order in the ARPA file. */
  counts: number[];
  discounts: KneserNeyDiscount[];
  countsOfCounts: number[][];
  warnings: NgramWarning[];
  sentences: number;
  tokens: number;
  /** Number of shards the input was cut into. */
  shards: number;
}

/**
 * Modified Kneser-Ney estimated by workers ({@link startWorker}) on any number of machines through BullMQ: the ARPA
 * file is byte for byte the one `estimateKneserNey` + `writeArpaFile` (and `nlpkit ngram train`, and lmplz) write
 * for the same text. Cuts the input into shards at line boundaries and runs four stages, each a BullMQ flow — the
 * stage's jobs as children of one fan-in job that runs when they all have:
 * 1. count: each shard counted with its own word ids, split into partitions by (the words of) the n-gram without
 *    its first word; the fan-in joins the shards' words in first-seen order into the corpus's word order;
 * 2. adjust: each partition merged across shards in the corpus's ids (left extensions adjacent) into adjusted
 *    counts and counts-of-counts; the fan-in sums them into the discounts and the unigram probabilities;
 * 3. estimate: per partition of contexts, interpolation weights and discounted probabilities;
 * 4. write: per range of last words, ARPA lines in suffix order; the fan-in concatenates the parts.
 * Jobs are retried with backoff, taken over when their worker dies, and idempotent (each publishes its own files
 * atomically, the same bytes every time), so nothing is counted twice.
 *
 * @throws RedisConnectionError for a refused password or unreachable Redis; DistributedJobError when a job fails
 * after its attempts; the signal's reason on abort.
 */
export async function trainKneserNeyDistributed(options: DistributedTrainOptions): Promise<DistributedTrainResult> {
  check.options(options, 'options', [
    'redis', 'storage', 'input', 'order', 'shards', 'partitions', 'memory', 'maxOpenFiles', 'output', 'discounts', 'discountFallback',
    'attempts', 'queue', 'keepIntermediate', 'onProgress', 'signal',
  ]);
  checkDiscountOptions(options);
  const { connection, storage, queueName, attempts, plan: common } = await prepareEstimation(options, DEFAULT_QUEUE, 'model.arpa');
  const plan: RunPlan = {
    ...common,
    ...(options.discounts === undefined ? {} : { discounts: options.discounts }),
    ...(options.discountFallback === undefined ? {} : { discountFallback: options.discountFallback }),
  };
  const id = plan.id;
  await writeRunJson(storage, id, 'plan.json', plan);

  return withStages({ connection, queueName, run: id, attempts, signal: options.signal }, async (run) => {
    const stage = (name: DistributedStage, fanIn: keyof typeof JOBS, total: number): Promise<unknown> =>
      run(name, fanIn, total, options.onProgress === undefined ? undefined : (done, all) => options.onProgress!({ stage: name, done, total: all }));
    await stage('count', 'merge-vocabulary', plan.shards.length);
    const model = (await stage('adjust', 'discounts', plan.partitions)) as ModelStatistics;
    await stage('estimate', 'estimated', plan.partitions);
    await stage('write', 'assemble', model.ranges.length);
    if (options.keepIntermediate !== true) {
      for (const folder of ['vocab', 'counts', 'adjusted', 'estimate', 'arpa']) await storage.remove(runKey(id, folder));
    }
    await storage.removeScratch(id);
    return {
      run: id,
      output: plan.output,
      path: await storage.localPath(plan.output),
      counts: model.counts,
      discounts: model.discounts,
      countsOfCounts: model.countsOfCounts,
      warnings: model.warnings,
      sentences: model.sentences,
      tokens: model.tokens,
      shards: plan.shards.length,
    };
  });
}
