import { FormatError } from '@nlpkit/core';
import { PKG } from './errors.js';

/**
 * BPE merging in O(n log n) for a piece of n symbols, with no recursion and no per-symbol strings: symbols are
 * integer ids in a linked list, candidate pairs wait in a binary heap ordered by (rank, position).
 * @internal shared by `bpeTokenizer` and the tokenizer.json loader
 */

/** Symbol ids of every string a merge uses or makes, and each merge's rank and result. */
export interface MergeTable {
  /** Symbol string → id (every left, right and merged string of the merges). */
  readonly ids: ReadonlyMap<string, number>;
  /** Id → symbol string. */
  readonly strings: readonly string[];
  /** `left * 2^26 + right` → rank (the first merge of a repeated pair wins). */
  readonly ranks: ReadonlyMap<number, number>;
  /** Rank → id of the merged symbol. */
  readonly merged: Int32Array;
}

const ID_BASE = 2 ** 26;
const POSITION_BASE = 2 ** 32;
/** Ranks times {@link POSITION_BASE} must stay exact in a double. */
const MAX_MERGES = 2 ** 21 - 1;

/** Builds the table for {@link applyMerges}; throws `FormatError` on more than 2,097,151 merges. */
export function mergeTable(merges: readonly (readonly [string, string])[], argument: string): MergeTable {
  if (merges.length > MAX_MERGES) {
    throw new FormatError({ package: PKG, argument, expected: `at most ${MAX_MERGES} merges`, foundText: String(merges.length) });
  }
  const ids = new Map<string, number>();
  const strings: string[] = [];
  const intern = (s: string): number => {
    let id = ids.get(s);
    if (id === undefined) {
      id = strings.length;
      ids.set(s, id);
      strings.push(s);
    }
    return id;
  };
  const ranks = new Map<number, number>();
  const merged = new Int32Array(merges.length);
  merges.forEach(([a, b], rank) => {
    const key = intern(a) * ID_BASE + intern(b);
    merged[rank] = intern(a + b);
    if (!ranks.has(key)) ranks.set(key, rank);
  });
  return { ids, strings, ranks, merged };
}

/** The result of {@link applyMerges}: for each final symbol, its id and the index of its first initial symbol. */
export interface Merged {
  readonly ids: Int32Array;
  readonly starts: Int32Array;
}

/**
 * Applies the merges to one piece, lowest rank first, every occurrence of a pair left to right (the standard BPE
 * encoding procedure, identical to re-scanning the piece after each merge, but O(n log n)).
 *
 * @param symbols initial symbol ids; -1 for a symbol no merge mentions (it stays as it is)
 */
export function applyMerges(symbols: Int32Array, table: MergeTable): Merged {
  const n = symbols.length;
  const id = Int32Array.from(symbols);
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    next[k] = k + 1 < n ? k + 1 : -1;
    prev[k] = k - 1;
  }
  const { ranks, merged } = table;
  const rankOf = (a: number, b: number): number => (a < 0 || b < 0 ? -1 : (ranks.get(a * ID_BASE + b) ?? -1));
  const heap = new MinHeap(n);
  for (let k = 0; k + 1 < n; k++) {
    const r = rankOf(id[k] as number, id[k + 1] as number);
    if (r >= 0) heap.push(r * POSITION_BASE + k);
  }
  const pending: number[] = [];
  let alive = n;
  while (heap.size > 0) {
    // One batch: every occurrence of the lowest-ranked pair, left to right. Pairs the batch creates wait until it
    // ends, as they would when the piece is re-scanned after each merge.
    const rank = Math.floor(heap.peek() / POSITION_BASE);
    while (heap.size > 0 && Math.floor(heap.peek() / POSITION_BASE) === rank) {
      const k = heap.pop() - rank * POSITION_BASE;
      const right = next[k] as number;
      // Stale entries (a side merged away since) no longer have this rank.
      if (id[k] === DEAD || right < 0 || rankOf(id[k] as number, id[right] as number) !== rank) continue;
      id[k] = merged[rank] as number;
      id[right] = DEAD;
      alive--;
      const after = next[right] as number;
      next[k] = after;
      if (after >= 0) prev[after] = k;
      const before = prev[k] as number;
      if (before >= 0) {
        const r = rankOf(id[before] as number, id[k] as number);
        if (r >= 0) pending.push(r * POSITION_BASE + before);
      }
      if (after >= 0) {
        const r = rankOf(id[k] as number, id[after] as number);
        if (r >= 0) pending.push(r * POSITION_BASE + k);
      }
    }
    for (const entry of pending) heap.push(entry);
    pending.length = 0;
  }
  const ids = new Int32Array(alive);
  const starts = new Int32Array(alive);
  let j = 0;
  for (let k = n > 0 ? 0 : -1; k >= 0; k = next[k] as number) {
    ids[j] = id[k] as number;
    starts[j] = k;
    j++;
  }
  return { ids, starts };
}

/** Marks a symbol merged into its left neighbour (distinct from -1, "no merge mentions it"). */
const DEAD = -2;

/** A binary min-heap of doubles in a growable typed array. */
class MinHeap {
  private data: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(16, capacity));
  }

  peek(): number {
    return this.data[0] as number;
  }

  push(value: number): void {
    if (this.size === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const d = this.data;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((d[parent] as number) <= value) break;
      d[i] = d[parent] as number;
      i = parent;
    }
    d[i] = value;
  }

  pop(): number {
    const d = this.data;
    const top = d[0] as number;
    const last = d[--this.size] as number;
    let i = 0;
    const n = this.size;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && (d[child + 1] as number) < (d[child] as number)) child++;
      if ((d[child] as number) >= last) break;
      d[i] = d[child] as number;
      i = child;
    }
    if (n > 0) d[i] = last;
    return top;
  }
}
