import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NlpkitError, OutputError, type TokenLike } from '@nlpkit/core';
import { writeFileAtomic } from '@nlpkit/core/node';
import { AdjustedCountReader } from './adjustedCountReader.js';
import { adjustedCountsOnDisk, breathe } from './adjustedCountsOnDisk.js';
import { countNgramsOnDisk } from './countNgramsOnDisk.js';
import { defaultMaxOpenFiles } from './defaultMaxOpenFiles.js';
import { DiskWorkspace } from './diskWorkspace.js';
import type { Sentences } from './eachSentence.js';
import { PKG, check, checkOrder } from './errors.js';
import { interpolatedArpaText } from './interpolatedArpaText.js';
import { eachKneserNeyContext, kneserNeyUnigrams } from './kneserNeyContext.js';
import type { KneserNeyDiscount, NgramWarning } from './kneserNeyDiscounts.js';

/** The smallest memory cap {@link estimateKneserNeyOnDisk} accepts (256 KiB). */
export const MIN_ESTIMATION_MEMORY = 1 << 18;

/** The stages of {@link estimateKneserNeyOnDisk}, in order, as `onStage` reports them. */
export type OnDiskStage = 'counting' | 'adjusting' | 'estimating' | 'writing';

/** Options of {@link estimateKneserNeyOnDisk}. */
export interface KneserNeyOnDiskOptions {
  /** Model order, 1 to 10. */
  order: number;
  /**
   * Memory cap in bytes (at least {@link MIN_ESTIMATION_MEMORY}) for the n-gram data: count tables, sort buffers,
   * merge and read buffers are sized from it and never grown. Vocabulary-sized data comes on top: the vocabulary
   * itself and about 40 bytes per word (unigram counts and probabilities, one context's words).
   */
  memory: number;
  /** Where the ARPA file goes (written atomically: after a failure or an abort the previous file is unchanged). */
  output: string;
  /**
   * Folder for the temporary files (default: the OS temp dir). A fresh folder is made inside it and removed
   * when the estimation ends — on success, on error and on abort.
   */
  tempDir?: string;
  /** Most files open at once while merging (at least 3; default 64 or less under a low `ulimit -n`). */
  maxOpenFiles?: number;
  /** As `discountFallback` of {@link estimateKneserNey} (KenLM's `--discount_fallback`). */
  discountFallback?: KneserNeyDiscount;
  /** As `discounts` of {@link estimateKneserNey}: fixed discounts per order (index 0 = unigrams). */
  discounts?: readonly KneserNeyDiscount[];
  /** Receives each warning as it happens (they are also returned). */
  onWarning?: (warning: NgramWarning) => void;
  /** Called when a stage starts (for progress displays). */
  onStage?: (stage: OnDiskStage) => void;
  /** Cancels the estimation (between sentences, runs and passes); the signal's reason is thrown. */
  signal?: AbortSignal;
}

/** What {@link estimateKneserNeyOnDisk} returns (the model itself is the ARPA file). */
export interface KneserNeyOnDiskResult {
  /** Number of n-grams per order in the ARPA file (index 0 = unigrams, the whole vocabulary). */
  counts: number[];
  /** D1, D2, D3+ per order, as {@link estimateKneserNey} gives them. */
  discounts: KneserNeyDiscount[];
  /** Counts-of-counts n1..n4 of the adjusted counts per order. */
  countsOfCounts: number[][];
  warnings: NgramWarning[];
  /** Sentences and tokens read (tokens count one `</s>` per sentence). */
  sentences: number;
  tokens: number;
  /** Runs spilled while counting. */
  runs: number;
  /**
   * Largest number of bytes of typed arrays held at once by counting, sorting and merging: at most `memory`, plus
   * the counter's unigram counts (up to 16 bytes per word).
   */
  peakBytes: number;
}


/**
 * Modified Kneser-Ney estimated out of core, as lmplz does it: the ARPA file it writes is byte for byte the one
 * {@link estimateKneserNey} + {@link writeArpaFile} write (and lmplz's), but no stage holds all n-grams in memory —
 * only sort buffers sized from `memory` and vocabulary-sized arrays. Node only (`@nlpkit/ngram/node`).
 *
 * The passes, each streaming sorted files in the temporary folder:
 * 1. count n-grams ({@link countNgramsOnDisk}: runs spilled under the cap, merged into one sorted file per order);
 * 2. adjusted counts: the suffix (last n words) of every (n+1)-gram, sorted and summed, is the number of distinct
 *    left words of each n-gram (its continuation count), joined with the raw counts (which `<s>`-initial n-grams
 *    and the highest order keep); their counts-of-counts give the discounts;
 * 3. in context order (the counts' order groups each context's n-grams), each n-gram's discounted probability and
 *    its context's interpolation weight, sorted into KenLM's suffix order (records stored last word first), and
 *    each context's weight sorted likewise;
 * 4. order by order in suffix order, where an n-gram's suffix comes in the order below in the same sequence:
 *    interpolated probabilities joined with the lower order's, backoffs joined from the order above, straight
 *    into the ARPA text (the shared ARPA line format).
 * Every number is computed with the same float32 steps as the in-memory estimator, so the text is identical.
 *
 * @throws InvalidArgumentError naming `options.memory` when the cap is below {@link MIN_ESTIMATION_MEMORY} or too
 * small for the vocabulary; OutputError when a temporary or the output file cannot be written; the signal's
 * reason on abort. The temporary folder is removed in every case.
 */
export async function estimateKneserNeyOnDisk(
  sentences: Sentences<TokenLike>,
  options: KneserNeyOnDiskOptions,
): Promise<KneserNeyOnDiskResult> {
  check.options(options, 'options', [
    'order', 'memory', 'output', 'tempDir', 'maxOpenFiles', 'discountFallback', 'discounts', 'onWarning', 'onStage', 'signal',
  ]);
  const order = checkOrder(options?.order);
  const cap = check.number(options.memory, 'options.memory', MIN_ESTIMATION_MEMORY);
  const output = check.string(options.output, 'options.output');
  const parent = options.tempDir === undefined ? tmpdir() : check.string(options.tempDir, 'options.tempDir');
  const maxOpenFiles = check.integer(options.maxOpenFiles ?? defaultMaxOpenFiles(), 'options.maxOpenFiles', 3, 1 << 20);
  const signal = options.signal;
  signal?.throwIfAborted();
  let work: string;
  try {
    work = mkdtempSync(join(parent, 'nlpkit-kn-'));
  } catch (cause) {
    throw new OutputError({ package: PKG, path: parent, message: `cannot create a temporary folder in ${parent}: ${(cause as Error).message}`, cause });
  }
  try {
    return await estimate(sentences, { ...options, order, memory: cap, output, maxOpenFiles }, work);
  } catch (error) {
    // An abort surfaces as the signal's reason, whichever stage it stopped (the atomic writer wraps it).
    if (signal?.aborted === true) throw signal.reason;
    if (error instanceof NlpkitError || (error as { code?: unknown } | null)?.code === undefined) throw error;
    throw new OutputError({
      package: PKG,
      path: work,
      message: `out-of-core estimation failed in ${work} (removed): ${(error as Error).message}`,
      cause: error,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}


async function estimate(
  sentences: Sentences<TokenLike>,
  options: KneserNeyOnDiskOptions & { maxOpenFiles: number },
  work: string,
): Promise<KneserNeyOnDiskResult> {
  const { order, memory: cap, signal, maxOpenFiles } = options;
  const warnings: NgramWarning[] = [];
  const warn = (w: NgramWarning): void => {
    warnings.push(w);
    options.onWarning?.(w);
  };

  options.onStage?.('counting');
  const counted = await countNgramsOnDisk(sentences, {
    order,
    memoryBytes: cap,
    directory: join(work, 'counts'),
    maxOpenFiles,
    ...(signal ? { signal } : {}),
  });
  await breathe();
  signal?.throwIfAborted();

  const V = counted.wordIndex.size;
  const words = counted.wordIndex.words();
  const workspace = new DiskWorkspace(work, cap, V, maxOpenFiles, signal);
  const counts = counted.files;
  options.onStage?.('adjusting');
  const { unigrams: adj1, discounts, countsOfCounts } = await adjustedCountsOnDisk(workspace, counts, V, order, {
    discounts: options.discounts,
    discountFallback: options.discountFallback,
    warn,
    signal,
  });

  // Pass 3: discounted probabilities and interpolation weights, context by context, in float32 step by step as
  // estimateKneserNey computes them.
  options.onStage?.('estimating');
  const prob1 = kneserNeyUnigrams(adj1, discounts[0]!);
  for (let n = 2; n <= order; n++) {
    const reader = new AdjustedCountReader(n, workspace, counts[n - 1]!, n < order ? workspace.path(`cont-${n}`) : undefined);
    const available = cap - 2 * workspace.fileBytes;
    const probabilities = workspace.sorter(n + 2, n, Math.floor(available * 0.7), `estimate-${n}`, false);
    const weights = workspace.sorter(n, n - 1, Math.floor(available * 0.3), `weights-${n}`, false);
    try {
      eachKneserNeyContext(n, reader, V, discounts[n - 1]!, ({ context, lasts, discounted, size, gamma }) => {
        const gammaBits = workspace.toBits(gamma);
        const out = probabilities.buffer;
        for (let i = 0; i < size; i++) {
          const s = probabilities.slot();
          out[s] = lasts[i]!;
          for (let k = 1; k < n; k++) out[s + k] = context[n - 1 - k]!;
          out[s + n] = workspace.toBits(discounted[i]!);
          out[s + n + 1] = gammaBits;
        }
        const w = weights.slot();
        for (let k = 0; k < n - 1; k++) weights.buffer[w + k] = context[n - 2 - k]!;
        weights.buffer[w + n - 1] = gammaBits;
      }, signal);
    } finally {
      reader.close();
    }
    rmSync(counts[n - 1]!, { force: true });
    if (n < order) rmSync(workspace.path(`cont-${n}`), { force: true });
    probabilities.seal(workspace.path(`estimate-${n}`));
    weights.seal(workspace.path(`weights-${n}`));
    workspace.merge(probabilities);
    workspace.merge(weights);
    await breathe();
    signal?.throwIfAborted();
  }

  options.onStage?.('writing');
  const sizes = [V, ...counted.distinct.slice(1)];
  const text = interpolatedArpaText(workspace, order, words, sizes, prob1);
  await writeFileAtomic(options.output, text, { package: PKG, ...(signal ? { signal } : {}) });

  return {
    counts: sizes,
    discounts,
    countsOfCounts,
    warnings,
    sentences: counted.sentences,
    tokens: counted.tokens,
    runs: counted.runs,
    peakBytes: Math.max(counted.peakBytes, workspace.budget.peak),
  };
}
