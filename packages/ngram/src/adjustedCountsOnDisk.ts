import { AdjustedCountReader } from './adjustedCountReader.js';
import type { RecordReader } from './countFiles.js';
import type { DiskWorkspace } from './diskWorkspace.js';
import { FinalNgramQuirk, orderDiscount } from './finalNgramQuirk.js';
import type { KneserNeyDiscount, NgramWarning } from './kneserNeyDiscounts.js';
import { BOS_INDEX } from './ngramWordIndex.js';
import type { RecordSorter } from './recordSorter.js';

/** What {@link adjustedCountsOnDisk} gives: the unigrams' adjusted counts and every order's discounts. */
export interface AdjustedCountsOnDisk {
  /** Adjusted counts of the unigrams, by word id (`<s>`: 0). */
  unigrams: Uint32Array;
  discounts: KneserNeyDiscount[];
  /** Counts-of-counts n1..n4 per order. */
  countsOfCounts: number[][];
}

/** Lets timers and abort events in between passes. */
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The adjusted-count passes of {@link estimateKneserNeyOnDisk}: the continuation counts of orders 1..N-1 (the last
 * n words of every (n+1)-gram, sorted and summed into the scratch files `cont-n`), then the counts-of-counts of the
 * adjusted counts and the discounts, order by order, exactly as {@link estimateKneserNey} computes them (lmplz's
 * final-n-gram quirk included). `counts[n-1]`: the sorted count file of order n.
 */
export async function adjustedCountsOnDisk(
  workspace: DiskWorkspace,
  counts: readonly string[],
  vocabSize: number,
  order: number,
  options: {
    discounts?: readonly KneserNeyDiscount[] | undefined;
    discountFallback?: KneserNeyDiscount | undefined;
    warn: (warning: NgramWarning) => void;
    signal: AbortSignal | undefined;
  },
): Promise<AdjustedCountsOnDisk> {
  const { signal } = options;
  const V = vocabSize;
  // Pass 2a: continuation counts of orders 1..N-1 from the suffixes of the order above, and the n-gram lmplz's
  // adjusted-count stream ends on (see lastSuffixChain in estimateKneserNey): the greatest n-gram in suffix order
  // (padded with <s> on the left to the full order) among the highest-order n-grams and the <s>-initial lower ones
  // ending in the last word of the vocabulary.
  const final = new FinalNgramQuirk(order, V);
  for (let n = 1; n < order; n++) {
    continuationCounts(workspace, counts[n]!, n, final, signal);
    await breathe();
    signal?.throwIfAborted();
  }
  // chain[n-1]: the n-gram of order n (words in order) whose raw count replaces its adjusted count in lmplz's
  // counts-of-counts.
  const chain = final.chain();

  // Unigrams stay in memory (vocabulary-sized): raw and adjusted counts.
  const raw1 = new Uint32Array(V);
  const adj1 = new Uint32Array(V);
  {
    const reader = workspace.open(counts[0]!, 2);
    try {
      while (reader.next()) raw1[reader.buffer[reader.at]!] = reader.buffer[reader.at + 1]!;
    } finally {
      workspace.close(reader);
    }
    if (order === 1) adj1.set(raw1);
    else {
      const cont = workspace.open(workspace.path('cont-1'), 2);
      try {
        while (cont.next()) adj1[cont.buffer[cont.at]!] = cont.buffer[cont.at + 1]!;
      } finally {
        workspace.close(cont);
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
      const reader = new AdjustedCountReader(n, workspace, counts[n - 1]!, n < order ? workspace.path(`cont-${n}`) : undefined);
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
    const { discount, countsOfCounts: nOfN } = orderDiscount(coc, quirk, n, options);
    countsOfCounts.push(nOfN);
    discounts.push(discount);
    await breathe();
    signal?.throwIfAborted();
  }

  return { unigrams: adj1, discounts, countsOfCounts };
}

/**
 * The continuation counts of order `n` (the last n words of every (n+1)-gram in the count file `counts`, sorted and
 * summed into `cont-n`), offering the (n+1)-grams to `final`. A function of its own, so that its locals die when it
 * returns: left in the loop of {@link adjustedCountsOnDisk} (an async function, whose frame lives on), the previous
 * order's sort buffer (half the cap) stayed alive while the next order's sorter filled a cap of its own.
 */
function continuationCounts(workspace: DiskWorkspace, counts: string, n: number, final: FinalNgramQuirk, signal: AbortSignal | undefined): void {
  const reader = workspace.open(counts, n + 2);
  const sort = workspace.sorter(n + 1, n, workspace.budget.cap - reader.buffer.byteLength, `cont-${n}`, true);
  try {
    addSuffixes(reader, sort, n, final, signal);
  } finally {
    workspace.close(reader);
  }
  // The sort buffer is referenced by nothing but the sorter now: its merge runs without it.
  workspace.finish(sort, `cont-${n}`);
}

/** Adds the last n words of every (n+1)-gram `reader` reads to `sort` (count 1 each). */
function addSuffixes(reader: RecordReader, sort: RecordSorter, n: number, final: FinalNgramQuirk, signal: AbortSignal | undefined): void {
  const m = n + 1;
  const buf = reader.buffer;
  const out = sort.buffer;
  let steps = 0;
  while (reader.next()) {
    const at = reader.at;
    const s = sort.slot();
    for (let k = 0; k < n; k++) out[s + k] = buf[at + 1 + k]!;
    out[s + n] = 1;
    if (final.isCandidate(m, buf[at]!, buf[at + n]!)) final.offer(buf.subarray(at, at + m));
    if ((++steps & 0xffff) === 0) signal?.throwIfAborted();
  }
}

function sameWords(buffer: Uint32Array, at: number, words: readonly number[]): boolean {
  for (let k = 0; k < words.length; k++) if (buffer[at + k] !== words[k]) return false;
  return true;
}
