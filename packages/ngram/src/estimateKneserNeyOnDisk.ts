import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NlpkitError, OutputError, type TokenLike } from '@nlpkit/core';
import { writeFileAtomic } from '@nlpkit/core/node';
import { ARPA_END, arpaHeader, arpaSectionHeader, createArpaLineFormat } from './arpaLines.js';
import { RecordReader } from './countFiles.js';
import { countNgramsOnDisk } from './countNgramsOnDisk.js';
import { defaultMaxOpenFiles } from './defaultMaxOpenFiles.js';
import type { Sentences } from './eachSentence.js';
import { PKG, check, checkOrder } from './errors.js';
import {
  DEFAULT_DISCOUNT_FALLBACK,
  type KneserNeyDiscount,
  type NgramWarning,
  kneserNeyDiscounts,
} from './kneserNeyDiscounts.js';
import { createLog10f } from './log10f.js';
import { MemoryBudget } from './memoryBudget.js';
import { BOS_INDEX, EOS_INDEX, UNK_INDEX } from './ngramWordIndex.js';
import { RecordSorter } from './recordSorter.js';
import { RecordWriter } from './recordWriter.js';

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

/** Lets timers and abort events in between passes. */
const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
  const budget = new MemoryBudget(cap);
  // Buffer bytes per file read or written sequentially: at most 4 such files are open at once (one pass needs
  // half the cap at most for them; the other passes share the cap with a sorter).
  const fileBytes = Math.min(1 << 20, Math.floor(cap / 8));
  const counts = counted.files;
  const maxReaders = maxOpenFiles - 1;
  const open = (path: string, width: number, keyLength = width - 1): RecordReader =>
    new RecordReader(path, width, budget.uint32(Math.max(16, Math.floor(fileBytes / 4 / width)) * width), 0, budget, keyLength);
  const close = (reader: RecordReader | undefined): void => {
    if (reader === undefined) return;
    reader.close();
    budget.release(reader.buffer.byteLength);
  };
  const sorter = (width: number, keyLength: number, bytes: number, name: string, sum: boolean): RecordSorter =>
    new RecordSorter({ width, keyLength, vocabSize: V, bytes, budget, folder: work, name, sum, signal });
  const path = (name: string): string => join(work, `${name}.bin`);

  // Pass 2a: continuation counts of orders 1..N-1 from the suffixes of the order above, and the n-gram lmplz's
  // adjusted-count stream ends on (see lastSuffixChain in estimateKneserNey): the greatest n-gram in suffix order
  // (padded with <s> on the left to the full order) among the highest-order n-grams and the <s>-initial lower ones
  // ending in the last word of the vocabulary.
  options.onStage?.('adjusting');
  const top = Math.max(1, V - 1);
  let best: number[] | undefined; // reversed and padded
  let bestWords: number[] | undefined;
  for (let n = 1; n < order; n++) {
    const m = n + 1;
    const reader = open(counts[m - 1]!, m + 1);
    const sort = sorter(n + 1, n, cap - reader.buffer.byteLength, `cont-${n}`, true);
    try {
      const buf = reader.buffer;
      const out = sort.buffer;
      let steps = 0;
      while (reader.next()) {
        const at = reader.at;
        const s = sort.slot();
        for (let k = 0; k < n; k++) out[s + k] = buf[at + 1 + k]!;
        out[s + n] = 1;
        if (buf[at + n] === top && (m === order || buf[at] === BOS_INDEX)) {
          const key: number[] = [];
          for (let k = m - 1; k >= 0; k--) key.push(buf[at + k]!);
          while (key.length < order) key.push(BOS_INDEX);
          if (best === undefined || compareArrays(key, best) > 0) {
            best = key;
            bestWords = Array.from(buf.subarray(at, at + m));
          }
        }
        if ((++steps & 0xffff) === 0) signal?.throwIfAborted();
      }
    } finally {
      close(reader);
    }
    sort.finish(path(`cont-${n}`), maxReaders);
    await breathe();
    signal?.throwIfAborted();
  }
  // chain[n-1]: the n-gram of order n (words in order) whose raw count replaces its adjusted count in lmplz's
  // counts-of-counts.
  const chain: (number[] | undefined)[] = Array.from({ length: order }, () => undefined);
  if (bestWords !== undefined) {
    const head = bestWords.length === order ? bestWords.slice(1) : bestWords;
    for (let j = 1; j <= head.length; j++) chain[j - 1] = head.slice(head.length - j);
  }

  // Unigrams stay in memory (vocabulary-sized): raw and adjusted counts.
  const raw1 = new Uint32Array(V);
  const adj1 = new Uint32Array(V);
  {
    const reader = open(counts[0]!, 2);
    try {
      while (reader.next()) raw1[reader.buffer[reader.at]!] = reader.buffer[reader.at + 1]!;
    } finally {
      close(reader);
    }
    if (order === 1) adj1.set(raw1);
    else {
      const cont = open(path('cont-1'), 2);
      try {
        while (cont.next()) adj1[cont.buffer[cont.at]!] = cont.buffer[cont.at + 1]!;
      } finally {
        close(cont);
      }
    }
    adj1[BOS_INDEX] = 0; // <s> is never predicted (its raw count would apply: lmplz zeroes it)
  }

  // Pass 2b: counts-of-counts and discounts.
  const discounts: KneserNeyDiscount[] = [];
  const countsOfCounts: number[][] = [];
  for (let n = 1; n <= order; n++) {
    const coc = [0, 0, 0, 0, 0];
    const special = chain[n - 1];
    let quirk: [number, number] | undefined;
    if (n === 1) {
      for (let id = 0; id < V; id++) {
        const a = adj1[id]!;
        if (a > 0 && a < 5) coc[a]! += 1;
      }
      if (special !== undefined) quirk = [adj1[special[0]!]!, raw1[special[0]!]!];
    } else {
      const reader = new AdjustedReader(n, order, open, close, path);
      try {
        let steps = 0;
        while (reader.next()) {
          const a = reader.adjusted;
          if (a > 0 && a < 5) coc[a]! += 1;
          if (special !== undefined && sameWords(reader.buffer, reader.at, special)) quirk = [a, reader.raw];
          if ((++steps & 0xffff) === 0) signal?.throwIfAborted();
        }
      } finally {
        reader.close();
      }
    }
    if (quirk !== undefined) {
      const [a, raw] = quirk;
      if (a > 0 && a < 5) coc[a]! -= 1;
      if (raw > 0 && raw < 5) coc[raw]! += 1;
    }
    countsOfCounts.push(coc.slice(1));
    const fixed = options.discounts?.[n - 1];
    if (fixed) discounts.push({ ...fixed });
    else {
      const { discount, warning } = kneserNeyDiscounts(coc, n, options.discountFallback ?? DEFAULT_DISCOUNT_FALLBACK);
      if (warning) warn(warning);
      discounts.push(discount);
    }
    await breathe();
    signal?.throwIfAborted();
  }

  // Pass 3: discounted probabilities and interpolation weights, context by context, in float32 step by step as
  // estimateKneserNey computes them.
  options.onStage?.('estimating');
  const f = Math.fround;
  const float = new Float32Array(1);
  const bits = new Uint32Array(float.buffer);
  const toBits = (x: number): number => {
    float[0] = x;
    return bits[0]!;
  };
  const fromBits = (b: number): number => {
    bits[0] = b;
    return float[0]!;
  };
  const gammaOf = (d: KneserNeyDiscount, n1: number, n2: number, n3: number, denominator: number): number => {
    let g = f(f(d.d1) * n1);
    g = f(g + f(f(d.d2) * n2));
    g = f(g + f(f(d.d3) * n3));
    g = f(g + 0);
    return f(g / f(denominator));
  };
  const discounted = (a: number, d1: number, d2: number, d3: number, denominator: number): number =>
    a === 0 ? 0 : f(f(a - (a === 1 ? d1 : a === 2 ? d2 : d3)) / f(denominator));

  const uniform = f(1 / f(V - 1));
  const prob1 = new Float32Array(V);
  {
    let denominator = 0;
    let n1 = 0;
    let n2 = 0;
    let n3 = 0;
    for (let id = 0; id < V; id++) {
      const a = adj1[id]!;
      if (a === 0) continue;
      denominator += a;
      if (a === 1) n1++;
      else if (a === 2) n2++;
      else n3++;
    }
    const d = discounts[0]!;
    const gamma = denominator === 0 ? 0 : gammaOf(d, n1, n2, n3, denominator);
    const [d1, d2, d3] = [f(d.d1), f(d.d2), f(d.d3)];
    for (let id = 0; id < V; id++) prob1[id] = f(discounted(adj1[id]!, d1, d2, d3, denominator) + f(gamma * uniform));
    prob1[BOS_INDEX] = 1;
  }
  const contextWords = new Uint32Array(order);
  const groupLast = new Uint32Array(V);
  const groupAdjusted = new Uint32Array(V);
  for (let n = 2; n <= order; n++) {
    const reader = new AdjustedReader(n, order, open, close, path);
    const available = cap - 2 * fileBytes;
    const probabilities = sorter(n + 2, n, Math.floor(available * 0.7), `estimate-${n}`, false);
    const weights = sorter(n, n - 1, Math.floor(available * 0.3), `weights-${n}`, false);
    const d = discounts[n - 1]!;
    const [d1, d2, d3] = [f(d.d1), f(d.d2), f(d.d3)];
    let size = 0;
    const flush = (): void => {
      let denominator = 0;
      let n1 = 0;
      let n2 = 0;
      let n3 = 0;
      for (let i = 0; i < size; i++) {
        const a = groupAdjusted[i]!;
        if (a === 0) continue;
        denominator += a;
        if (a === 1) n1++;
        else if (a === 2) n2++;
        else n3++;
      }
      const gamma = denominator === 0 ? 0 : gammaOf(d, n1, n2, n3, denominator);
      const gammaBits = toBits(gamma);
      const out = probabilities.buffer;
      for (let i = 0; i < size; i++) {
        const s = probabilities.slot();
        out[s] = groupLast[i]!;
        for (let k = 1; k < n; k++) out[s + k] = contextWords[n - 1 - k]!;
        out[s + n] = toBits(discounted(groupAdjusted[i]!, d1, d2, d3, denominator));
        out[s + n + 1] = gammaBits;
      }
      const w = weights.slot();
      for (let k = 0; k < n - 1; k++) weights.buffer[w + k] = contextWords[n - 2 - k]!;
      weights.buffer[w + n - 1] = gammaBits;
      size = 0;
    };
    try {
      const buf = reader.buffer;
      let steps = 0;
      while (reader.next()) {
        const at = reader.at;
        if (size > 0) {
          let same = true;
          for (let k = 0; same && k < n - 1; k++) same = contextWords[k] === buf[at + k];
          if (!same) flush();
        }
        if (size === 0) for (let k = 0; k < n - 1; k++) contextWords[k] = buf[at + k]!;
        groupLast[size] = buf[at + n - 1]!;
        groupAdjusted[size] = reader.adjusted;
        size++;
        if ((++steps & 0xffff) === 0) signal?.throwIfAborted();
      }
      if (size > 0) flush();
    } finally {
      reader.close();
    }
    rmSync(counts[n - 1]!, { force: true });
    if (n < order) rmSync(path(`cont-${n}`), { force: true });
    probabilities.seal(path(`estimate-${n}`));
    weights.seal(path(`weights-${n}`));
    probabilities.merge(maxReaders);
    weights.merge(maxReaders);
    await breathe();
    signal?.throwIfAborted();
  }

  // Pass 4: interpolation in suffix order, written as ARPA text.
  options.onStage?.('writing');
  const sizes = [V, ...counted.distinct.slice(1)];
  const log10f = createLog10f();
  const backoffOf = (gamma: number, last: number): number =>
    gamma > 0 && last !== UNK_INDEX && last !== EOS_INDEX ? log10f(gamma) : 0;
  async function* arpaText(): AsyncGenerator<string, void, undefined> {
    yield arpaHeader(sizes);
    const line = createArpaLineFormat();
    let buffer = arpaSectionHeader(1);
    {
      const weights = order > 1 ? open(path('weights-2'), 2) : undefined;
      try {
        let more = weights?.next() ?? false;
        for (let id = 0; id < V; id++) {
          const lp = id === BOS_INDEX ? 0 : Math.min(0, log10f(prob1[id]!));
          let bo: number | undefined;
          if (weights !== undefined) {
            while (more && weights.buffer[weights.at]! < id) more = weights.next();
            bo = backoffOf(more && weights.buffer[weights.at] === id ? fromBits(weights.buffer[weights.at + 1]!) : 0, id);
          }
          buffer += line(lp, words[id]!, bo);
          if (buffer.length > 65536) {
            yield buffer;
            buffer = '';
          }
        }
      } finally {
        close(weights);
      }
    }
    for (let n = 2; n <= order; n++) {
      buffer += arpaSectionHeader(n);
      const reader = open(path(`estimate-${n}`), n + 2, n);
      const lower = n > 2 ? open(path(`probabilities-${n - 1}`), n) : undefined;
      const weights = n < order ? open(path(`weights-${n + 1}`), n + 1) : undefined;
      const writer = n < order ? new RecordWriter(path(`probabilities-${n}`), n + 1, Math.max(16, Math.floor(fileBytes / 4 / (n + 1))), budget) : undefined;
      try {
        let lowerMore = lower?.next() ?? false;
        let weightsMore = weights?.next() ?? false;
        const buf = reader.buffer;
        while (reader.next()) {
          const at = reader.at;
          let lowerProb: number;
          if (lower === undefined) lowerProb = prob1[buf[at]!]!;
          else {
            while (lowerMore && compareRecords(lower.buffer, lower.at, buf, at, n - 1) < 0) lowerMore = lower.next();
            lowerProb = fromBits(lower.buffer[lower.at + n - 1]!);
          }
          const p = f(fromBits(buf[at + n]!) + f(fromBits(buf[at + n + 1]!) * lowerProb));
          let bo: number | undefined;
          if (weights !== undefined) {
            while (weightsMore && compareRecords(weights.buffer, weights.at, buf, at, n) < 0) weightsMore = weights.next();
            const found = weightsMore && compareRecords(weights.buffer, weights.at, buf, at, n) === 0;
            bo = backoffOf(found ? fromBits(weights.buffer[weights.at + n]!) : 0, buf[at]!);
          }
          if (writer !== undefined) {
            const w = writer.slot();
            for (let k = 0; k < n; k++) writer.buffer[w + k] = buf[at + k]!;
            writer.buffer[w + n] = toBits(p);
          }
          let text = words[buf[at + n - 1]!]!;
          for (let k = n - 2; k >= 0; k--) text += ` ${words[buf[at + k]!]!}`;
          buffer += line(Math.min(0, log10f(p)), text, bo);
          if (buffer.length > 65536) {
            yield buffer;
            buffer = '';
          }
        }
      } finally {
        close(reader);
        close(lower);
        close(weights);
        writer?.close();
      }
      rmSync(path(`estimate-${n}`), { force: true });
      if (n > 2) rmSync(path(`probabilities-${n - 1}`), { force: true });
      if (n < order) rmSync(path(`weights-${n + 1}`), { force: true });
    }
    yield buffer + ARPA_END;
  }
  await writeFileAtomic(options.output, arpaText(), { package: PKG, ...(signal ? { signal } : {}) });

  return {
    counts: sizes,
    discounts,
    countsOfCounts,
    warnings,
    sentences: counted.sentences,
    tokens: counted.tokens,
    runs: counted.runs,
    peakBytes: Math.max(counted.peakBytes, budget.peak),
  };
}

/**
 * The n-grams of order n ≥ 2 in the counts' (context) order with their adjusted counts: the raw count for the
 * highest order and for `<s>`-initial n-grams, else the continuation count joined from the sorted suffixes of the
 * order above.
 */
class AdjustedReader {
  readonly buffer: Uint32Array;
  at = 0;
  adjusted = 0;
  raw = 0;
  readonly #n: number;
  readonly #counts: RecordReader;
  readonly #continuation: RecordReader | undefined;
  readonly #close: (reader: RecordReader | undefined) => void;
  #more = false;

  constructor(
    n: number,
    order: number,
    open: (path: string, width: number) => RecordReader,
    close: (reader: RecordReader | undefined) => void,
    path: (name: string) => string,
  ) {
    this.#n = n;
    this.#close = close;
    this.#counts = open(path(`counts/counts-order-${n}`), n + 1);
    try {
      this.#continuation = n < order ? open(path(`cont-${n}`), n + 1) : undefined;
    } catch (error) {
      close(this.#counts);
      throw error;
    }
    this.#more = this.#continuation?.next() ?? false;
    this.buffer = this.#counts.buffer;
  }

  next(): boolean {
    const counts = this.#counts;
    if (!counts.next()) return false;
    const n = this.#n;
    const at = counts.at;
    this.at = at;
    this.raw = this.buffer[at + n]!;
    const cont = this.#continuation;
    if (cont === undefined || this.buffer[at] === BOS_INDEX) {
      this.adjusted = this.raw;
      return true;
    }
    let c = -1;
    while (this.#more && (c = compareRecords(cont.buffer, cont.at, this.buffer, at, n)) < 0) this.#more = cont.next();
    this.adjusted = this.#more && c === 0 ? cont.buffer[cont.at + n]! : 0;
    return true;
  }

  close(): void {
    this.#close(this.#counts);
    this.#close(this.#continuation);
  }
}

function compareRecords(a: Uint32Array, aAt: number, b: Uint32Array, bAt: number, length: number): number {
  for (let k = 0; k < length; k++) {
    const d = a[aAt + k]! - b[bAt + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

function compareArrays(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function sameWords(buffer: Uint32Array, at: number, words: readonly number[]): boolean {
  for (let k = 0; k < words.length; k++) if (buffer[at + k] !== words[k]) return false;
  return true;
}
