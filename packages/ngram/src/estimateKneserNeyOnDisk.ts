import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NlpkitError, OutputError, type TokenLike } from '@nlpkit/core';
import { writeFileAtomic } from '@nlpkit/core/node';
import { AdjustedCountReader } from './adjustedCountReader.js';
import { adjustedCountsOnDisk, breathe } from './adjustedCountsOnDisk.js';
import { readArpaFile } from './arpaFile.js';
import type { Quantization } from './binaryModel.js';
import { writeBinaryModelFile } from './binaryModelFile.js';
import { writeBinaryModelOnDisk } from './binaryModelOnDisk.js';
import { countKenlmFileOnDisk } from './countKenlmFileOnDisk.js';
import { type TextChunks, countKenlmTextOnDisk, countNgramsOnDisk } from './countNgramsOnDisk.js';
import { defaultMaxOpenFiles } from './defaultMaxOpenFiles.js';
import { DiskWorkspace } from './diskWorkspace.js';
import type { Sentences } from './eachSentence.js';
import { PKG, check, checkOrder } from './errors.js';
import { interpolatedArpaText } from './interpolatedArpaText.js';
import { eachKneserNeyContext, kneserNeyUnigrams } from './kneserNeyContext.js';
import { eachPrunedContext } from './prunedContexts.js';
import { pruneMarksOnDisk, pruneThresholds } from './pruneMarksOnDisk.js';
import { type KneserNeyDiscount, type NgramWarning, checkDiscountOptions } from './kneserNeyDiscounts.js';

/** The smallest memory cap {@link estimateKneserNeyOnDisk} accepts (256 KiB). */
export const MIN_ESTIMATION_MEMORY = 1 << 18;

/** The stages of {@link estimateKneserNeyOnDisk}, in order, as `onStage` reports them. */
export type OnDiskStage = 'counting' | 'adjusting' | 'pruning' | 'estimating' | 'writing' | 'writing binary';

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
  /**
   * Where the ARPA file goes (written atomically: after a failure or an abort the previous file is unchanged).
   * May be left out when `binary` is given: the ARPA text then goes to the temporary folder only.
   */
  output?: string;
  /**
   * Where to write the model as an nlpkit binary model too (atomically), built from the ARPA file streamed back
   * from disk — the same bytes as `writeBinaryModelFile(readArpaFile(arpa))` (`nlpkit ngram build-binary`). Float32
   * (the default) is written out of core too: each order sorted into trie order under the cap, then the sections
   * streamed. With `quantize: 'q8'` the codebooks need all of an order's values at once, so the model is read back
   * into memory for that last step (the cap then bounds the estimation only).
   */
  binary?: string;
  /** With `binary`: `'q8'` stores orders ≥ 2 in 8 bits (as `toBinaryModel`'s `quantize`). */
  quantize?: Quantization;
  /**
   * As `prune` of {@link estimateKneserNey} (KenLM's `--prune`): n-grams of order n ≥ 2 whose raw count is at most
   * `prune[n-1]` are dropped (the last threshold repeats), kept anyway when a kept longer n-gram needs them; their
   * adjusted counts move to their context's backoff. Same ARPA as in memory; one more pair of streaming passes.
   */
  prune?: readonly number[];
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

/** What {@link estimateKneserNeyOnDisk} returns (the model itself is the ARPA file, or the binary file). */
export interface KneserNeyOnDiskResult {
  /** Number of n-grams per order in the model (after pruning; index 0 = unigrams, the whole vocabulary). */
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
 * Training text for {@link estimateKneserNeyOnDisk} given as bytes (a file's or a stream's chunks), counted as lmplz
 * reads it ({@link countKenlmTextOnDisk}): the same model as the sentences `kenlmWords` makes of its lines, faster.
 */
export interface KenlmTextInput {
  readonly kenlmText: TextChunks;
  /** Told the number of lines read so far, now and then, while counting. */
  readonly onLines?: (lines: number) => void;
}

/**
 * Training text for {@link estimateKneserNeyOnDisk} given as the path of a text file, counted as lmplz reads it on
 * several threads ({@link countKenlmFileOnDisk}): the same model as `{ kenlmText }` of the file's bytes.
 */
export interface KenlmFileInput {
  readonly kenlmFile: string;
  /** Counting threads (default: for a file of 16 MiB or more, one per core up to 4; else 1). */
  readonly threads?: number;
  /** Told the number of lines read so far (by all threads), now and then. */
  readonly onLines?: (lines: number) => void;
}

function isKenlmTextInput(input: unknown): input is KenlmTextInput {
  return typeof input === 'object' && input !== null && 'kenlmText' in input;
}

function isKenlmFileInput(input: unknown): input is KenlmFileInput {
  return typeof input === 'object' && input !== null && 'kenlmFile' in input;
}

/**
 * Modified Kneser-Ney estimated out of core, as lmplz does it: the ARPA file it writes is byte for byte the one
 * {@link estimateKneserNey} + {@link writeArpaFile} write (and lmplz's), but no stage holds all n-grams in memory —
 * only sort buffers sized from `memory` and vocabulary-sized arrays. Node only (`@nlpkit/ngram/node`).
 *
 * The passes, each streaming sorted files in the temporary folder:
 * 1. count n-grams ({@link countNgramsOnDisk}, or {@link countKenlmTextOnDisk} for `{ kenlmText }`, or
 *    {@link countKenlmFileOnDisk} on several threads for `{ kenlmFile }`: the highest order counted, as lmplz does,
 *    in runs spilled under the cap and merged, the lower orders summed from its suffixes: one sorted file per order);
 * 2. adjusted counts: the suffix (last n words) of every (n+1)-gram, sorted and summed, is the number of distinct
 *    left words of each n-gram (its continuation count), joined with the raw counts (which `<s>`-initial n-grams
 *    and the highest order keep); their counts-of-counts give the discounts;
 * 3. in context order (the counts' order groups each context's n-grams), each n-gram's discounted probability and
 *    its context's interpolation weight, sorted into KenLM's suffix order (records stored last word first), and
 *    each context's weight sorted likewise;
 * 4. order by order in suffix order, where an n-gram's suffix comes in the order below in the same sequence:
 *    interpolated probabilities joined with the lower order's, backoffs joined from the order above, straight
 *    into the ARPA text (formatted by the in-memory writer's line loop, `writeArpaLines`).
 * With `prune`, a pass between 2 and 3 marks the n-grams kept, from the top order down (the prefixes and suffixes
 * kept n-grams need are sorted into the order below); pass 3 then leaves the pruned ones out and adds their
 * adjusted counts to their contexts' weights. With `binary`, the ARPA file is streamed back, sorted into trie order
 * and written as a binary model (with `quantize: 'q8'`, read into memory instead).
 * Every number is computed with the same float32 steps as the in-memory estimator, so the text is identical.
 *
 * @throws InvalidArgumentError naming `options.memory` when the cap is below {@link MIN_ESTIMATION_MEMORY} or too
 * small for the vocabulary; OutputError when a temporary or the output file cannot be written; the signal's
 * reason on abort. The temporary folder is removed in every case.
 */
export async function estimateKneserNeyOnDisk(
  sentences: Sentences<TokenLike> | KenlmTextInput | KenlmFileInput,
  options: KneserNeyOnDiskOptions,
): Promise<KneserNeyOnDiskResult> {
  check.options(options, 'options', [
    'order', 'memory', 'output', 'binary', 'quantize', 'prune', 'tempDir', 'maxOpenFiles', 'discountFallback', 'discounts', 'onWarning',
    'onStage', 'signal',
  ]);
  const order = checkOrder(options?.order);
  checkDiscountOptions(options);
  const cap = check.number(options.memory, 'options.memory', MIN_ESTIMATION_MEMORY);
  if (options.output === undefined && options.binary === undefined) {
    throw check.invalid(options.output, 'options.output', 'a path (or options.binary: where the model goes)');
  }
  const output = options.output === undefined ? undefined : check.string(options.output, 'options.output');
  const binary = options.binary === undefined ? undefined : check.string(options.binary, 'options.binary');
  const quantize = options.quantize === undefined ? undefined : check.oneOf(options.quantize, 'options.quantize', ['none', 'q8'] as const);
  if (quantize !== undefined && binary === undefined) throw check.invalid(quantize, 'options.quantize', 'left out without options.binary');
  if (binary !== undefined && binary === output) throw check.invalid(binary, 'options.binary', 'a path other than options.output');
  const thresholds = pruneThresholds(options.prune, order);
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
    return await estimate(sentences, { ...options, order, memory: cap, maxOpenFiles, thresholds }, work, output ?? join(work, 'model.arpa'));
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
  sentences: Sentences<TokenLike> | KenlmTextInput | KenlmFileInput,
  options: KneserNeyOnDiskOptions & { maxOpenFiles: number; thresholds: number[] | undefined },
  work: string,
  arpa: string,
): Promise<KneserNeyOnDiskResult> {
  const { order, memory: cap, signal, maxOpenFiles } = options;
  const warnings: NgramWarning[] = [];
  const warn = (w: NgramWarning): void => {
    warnings.push(w);
    options.onWarning?.(w);
  };

  options.onStage?.('counting');
  const countOptions = { order, memoryBytes: cap, directory: join(work, 'counts'), maxOpenFiles, ...(signal ? { signal } : {}) };
  const lines = (input: { readonly onLines?: (lines: number) => void }): { onLines?: (lines: number) => void } => (input.onLines ? { onLines: input.onLines } : {});
  const counted = isKenlmFileInput(sentences)
    ? await countKenlmFileOnDisk(sentences.kenlmFile, { ...countOptions, ...lines(sentences), ...(sentences.threads === undefined ? {} : { threads: sentences.threads }) })
    : isKenlmTextInput(sentences)
      ? await countKenlmTextOnDisk(sentences.kenlmText, { ...countOptions, ...lines(sentences) })
      : await countNgramsOnDisk(sentences, countOptions);
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

  // Pruning (orders ≥ 2): which n-grams the model keeps, as one flag file per order beside the count files.
  let sizes = [V, ...counted.distinct.slice(1)];
  const pruning = options.thresholds !== undefined && order > 1;
  if (pruning) {
    options.onStage?.('pruning');
    sizes = pruneMarksOnDisk(workspace, counts, V, options.thresholds!, signal);
    await breathe();
    signal?.throwIfAborted();
  }

  // Pass 3: discounted probabilities and interpolation weights, context by context, in float32 step by step as
  // estimateKneserNey computes them.
  options.onStage?.('estimating');
  const prob1 = kneserNeyUnigrams(adj1, discounts[0]!);
  for (let n = 2; n <= order; n++) {
    const keep = pruning ? workspace.path(`keep-${n}`) : undefined;
    const reader = new AdjustedCountReader(n, workspace, counts[n - 1]!, n < order ? workspace.path(`cont-${n}`) : undefined, keep);
    const available = cap - workspace.budget.used; // the reader's buffers (two files, three when pruning)
    const probabilities = workspace.sorter(n + 2, n, Math.floor(available * 0.7), `estimate-${n}`, false);
    const weights = workspace.sorter(n, n - 1, Math.floor(available * 0.3), `weights-${n}`, false);
    try {
      // Pruned n-grams are left out of the probabilities; their contexts' weights carry their mass.
      const eachContext = pruning ? eachPrunedContext : eachKneserNeyContext;
      eachContext(n, reader, V, discounts[n - 1]!, ({ context, lasts, discountedBits, size, gamma }) => {
        const gammaBits = workspace.toBits(gamma);
        const out = probabilities.buffer;
        for (let i = 0; i < size; i++) {
          const s = probabilities.slot();
          out[s] = lasts[i]!;
          for (let k = 1; k < n; k++) out[s + k] = context[n - 1 - k]!;
          out[s + n] = discountedBits[i]!;
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
    if (keep !== undefined) rmSync(keep, { force: true });
    if (n < order) rmSync(workspace.path(`cont-${n}`), { force: true });
    probabilities.seal(workspace.path(`estimate-${n}`));
    weights.seal(workspace.path(`weights-${n}`));
    workspace.merge(probabilities);
    workspace.merge(weights);
    await breathe();
    signal?.throwIfAborted();
  }

  options.onStage?.('writing');
  const text = interpolatedArpaText(workspace, order, words, sizes, prob1);
  // Each block is written while the next is formatted (every block is a fresh copy).
  await writeFileAtomic(arpa, text, { package: PKG, overlap: true, ...(signal ? { signal } : {}) });
  if (options.binary !== undefined) {
    options.onStage?.('writing binary');
    await breathe();
    signal?.throwIfAborted();
    if (options.quantize === 'q8') {
      // 8-bit codebooks come from all of an order's values at once: the model is read back into memory for them.
      await writeBinaryModelFile(readArpaFile(arpa), options.binary, { quantize: 'q8', ...(signal ? { signal } : {}) });
    } else {
      // Float32: the ARPA streamed back, each order sorted into trie order on disk, the sections written from there.
      await writeBinaryModelOnDisk(workspace, arpa, options.binary, signal);
    }
  }

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
