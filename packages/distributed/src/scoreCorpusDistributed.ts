import { stat } from 'node:fs/promises';
import { inputFileError } from '@nlpkit/core/node';
import { CHUNKED_RUN_KEYS, type ChunkedRunOptions, chunkedRunSettings, newRunId, openChunkedRun, submitChunks } from './corpusRun.js';
import { PKG, check } from './errors.js';
import { checkRedis } from './redisConnection.js';
import { readRunJson, runKey } from './runPlan.js';
import { type ScorePlan, type ScoreTotals, chunkName } from './scorePlan.js';
import { planShards } from './shards.js';

/** Options of {@link scoreCorpusDistributed}. */
export interface DistributedScoreOptions extends ChunkedRunOptions {
  /** The text to score, one sentence per line (words split as KenLM query splits them), readable by every worker at the same path. */
  input: string;
  /** The n-gram model file (ARPA, gzipped ARPA or nlpkit binary), readable by every worker at the same path. */
  model: string;
  /** Storage key of the per-line results (default `runs/<run>/scores.tsv`). */
  output?: string;
  /**
   * Run id: a run submitted again with the same id (same input, model, output and chunks) skips the chunks whose
   * scores were published before — resuming an interrupted run — and returns at once when the run had finished.
   * Default: a new id.
   */
  run?: string;
}

/** What {@link scoreCorpusDistributed} returns: `evaluatePerplexity`'s report, and where the per-line scores are. */
export interface DistributedScoreResult extends ScoreTotals {
  /** The run's id (its files are under `runs/<run>/` in the storage). */
  run: string;
  /** Storage key of the per-line results, `log10Prob<TAB>tokens<TAB>oov` per input line, in input order. */
  output: string;
  /** Where the per-line results can be read from this machine. */
  path: string;
  /** Number of chunks the input was cut into. */
  chunks: number;
  /** Chunks scored by this submission (the others had been published by an earlier one with the same run id). */
  scored: number;
}

/**
 * Scores a corpus with an n-gram language model on the workers ({@link startWorker}) of a BullMQ cluster: the input
 * is cut into chunks at line boundaries; one job per chunk scores each line as a sentence — the `LanguageModel`
 * contract's `scoreSentence`: each word after `<s>`, then one `</s>`, KenLM style — with the model the worker reads
 * from the shared volume (once per worker process), and publishes the chunk's scores atomically; a fan-in job
 * writes the per-line results in input order and sums the corpus totals in the same order as `evaluatePerplexity`
 * (and the single-process `nlpkit ngram eval`): the same numbers, bit for bit. Resumable: see
 * {@link DistributedScoreOptions.run}.
 *
 * @throws RedisConnectionError for a refused password or unreachable Redis; DistributedJobError when a job fails
 * after its attempts; InvalidArgumentError for a missing input or model file, an empty input, or a run id reused
 * with other settings; the signal's reason on abort.
 */
export async function scoreCorpusDistributed(options: DistributedScoreOptions): Promise<DistributedScoreResult> {
  check.options(options, 'options', CHUNKED_RUN_KEYS);
  const { connection, storage, input, model, chunkCount, attempts, queueName } = chunkedRunSettings(options);
  const signal = options.signal;
  signal?.throwIfAborted();
  try {
    if (!(await stat(model)).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
  } catch (cause) {
    throw inputFileError(model, cause, { package: PKG, argument: 'options.model' });
  }
  await checkRedis(connection);
  const chunks = await planShards([input], chunkCount);
  if (chunks.length === 0) throw check.invalid(input, 'options.input', 'text with at least one line');
  const given = options.run !== undefined;
  const id = given ? check.string(options.run, 'options.run') : newRunId();
  const plan: ScorePlan = { id, chunks, model, output: options.output === undefined ? runKey(id, 'scores.tsv') : check.string(options.output, 'options.output') };
  await openChunkedRun(storage, id, 'score-plan.json', plan, given, 'input (unchanged), model, output and chunks');
  const finish = async (scored: number): Promise<DistributedScoreResult> => {
    const totals = await readRunJson<ScoreTotals>(storage, id, 'score-totals.json', 'submit');
    if (options.keepIntermediate !== true) await storage.remove(runKey(id, 'score'));
    await storage.removeScratch(id);
    return {
      ...totals,
      perplexityExcludingOov: totals.perplexityExcludingOov ?? Number.NaN,
      run: id,
      output: plan.output,
      path: await storage.localPath(plan.output),
      chunks: chunks.length,
      scored,
    };
  };
  if ((await storage.exists(runKey(id, 'score-totals.json'))) && (await storage.exists(plan.output))) return finish(0);

  const missing: number[] = [];
  for (let i = 0; i < chunks.length; i++) if (!(await storage.exists(runKey(id, chunkName(i))))) missing.push(i);
  await submitChunks({ connection, queueName, run: id, name: 'score', fanIn: 'score-total', missing, total: chunks.length, attempts, onProgress: options.onProgress, signal });
  return finish(missing.length);
}
