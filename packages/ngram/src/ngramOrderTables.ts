import { NgramCountTable } from './ngramCountTable.js';
import type { NgramIndex } from './ngramIndex.js';
import { largeInt32Array } from './largeArrays.js';

/** What {@link NgramOrderTables.finish} gives for each of its orders, lowest first. */
export interface OrderCounts {
  readonly index: NgramIndex;
  readonly counts: Uint32Array;
  /** The id (order n − 1) of each n-gram without its first word. */
  readonly suffixes: Int32Array;
}

/** Bytes of a dropped table above which `collect` is called. */
const DROPPED_BYTES = 1 << 24;

/**
 * The count tables of orders `from + 1` to `order` (from ≥ 1): each sentence is given as its word ids and the ids of
 * its n-grams of order `from` by start position, and the n-grams of each order above are counted from those of the
 * order below — (n-gram at start, word at start + n) — with the suffix of each new one recorded (the n-gram one
 * position on). `NgramCounter` counts every order above the unigrams with one (`from` 1: the order below is the
 * words themselves); a counter that hands the highest orders to another thread gives that thread one.
 */
export class NgramOrderTables {
  readonly from: number;
  readonly order: number;
  /** `#tables[n - from]` counts the n-grams of order n + 1 (their counts live in the table until `finish`). */
  readonly #tables: NgramCountTable[] = [];
  readonly #suffixes: Int32Array[] = [];
  /** Ids of the n-grams of the order below and of this order by start position (grown to the longest sentence). */
  #below = new Int32Array(256);
  #level = new Int32Array(256);
  readonly #collect: (() => void) | undefined;

  /**
   * @param collect called when a large table was dropped (see `CountOptions.collect`).
   * @param project the number of n-grams a table is expected to end with, given the number it holds now (see
   * `NgramCountTable`).
   */
  constructor(from: number, order: number, collect?: () => void, project?: (size: number) => number) {
    this.from = from;
    this.order = order;
    this.#collect = collect;
    for (let n = from; n < order; n++) {
      this.#tables.push(new NgramCountTable(1 << 16, collect, project));
      this.#suffixes.push(new Int32Array(1 << 16));
    }
  }

  /**
   * Counts the n-grams of orders `from + 1` and up of one sentence of `length` words (`words[0..length)`), whose
   * n-grams of order `from` are `ids[0..length − from]` by start position. Returns the ids of its n-grams of order
   * `order` by start position (valid until the next call; its first `length − order + 1` are set when the sentence
   * is that long).
   */
  count(words: Int32Array, ids: Int32Array, length: number): Int32Array {
    if (this.#below.length < length) {
      this.#below = new Int32Array(length * 2);
      this.#level = new Int32Array(length * 2);
    }
    let below = this.#below;
    let level = this.#level;
    // A loop, not `set(subarray)`: no object per sentence.
    for (let i = 0, count = length - this.from + 1; i < count; i++) below[i] = ids[i]!;
    const tables = this.#tables;
    const suffixes = this.#suffixes;
    // One order at a time: the n-grams of order n+1 are (n-gram at start, word at start + n), and the suffix of
    // the one at start is the n-gram at start + 1. The lookups of one order are independent of each other, so
    // the processor overlaps their cache misses (a walk start by start chains each lookup on the one before);
    // `addAll` reads their home slots first, in a loop of loads alone.
    for (let n = this.from; n < this.order && n < length; n++) {
      const t = n - this.from;
      const table = tables[t]!;
      const before = table.size;
      table.addAll(below, words, n, length - n, level);
      if (table.size > before) {
        let suffix = suffixes[t]!;
        if (table.size > suffix.length) {
          // As large as the table has become (grown at once to a projected size, see CountOptions.progress).
          suffix = grownSuffixes(suffix, table.capacity);
          suffixes[t] = suffix;
        }
        // A new n-gram's suffix is the n-gram one position on (the same id for each occurrence of it).
        for (let start = 0; start + n < length; start++) if (level[start]! >= before) suffix[level[start]!] = below[start + 1]!;
      }
      const swap = below;
      below = level;
      level = swap;
    }
    return below;
  }

  /** The counts of orders `from + 1` to `order`, lowest first; the tables are dropped as they are read. */
  finish(): OrderCounts[] {
    const out: OrderCounts[] = [];
    for (const [t, table] of this.#tables.entries()) {
      // A view, not a copy: the array's pages past `size` were never written, so they take no memory.
      const suffixes = this.#suffixes[t]!.subarray(0, table.size);
      this.#suffixes[t] = new Int32Array(0);
      const bytes = table.bytes;
      const { index, counts } = table.finish();
      if (bytes >= DROPPED_BYTES) this.#collect?.();
      out.push({ index, counts, suffixes });
    }
    return out;
  }
}

function grownSuffixes(suffixes: Int32Array, atLeast: number): Int32Array {
  const grown = largeInt32Array(Math.max(suffixes.length * 2, atLeast));
  grown.set(suffixes);
  return grown;
}
