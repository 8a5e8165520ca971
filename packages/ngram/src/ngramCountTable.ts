import { NgramIndex, hashPair } from './ngramIndex.js';
import { largeInt32Array, largeUint32Array } from './largeArrays.js';

/** Int32s per slot: parent id, word id, n-gram id + 1 (0: empty, so a new table needs no filling), count. */
const STRIDE = 4;
/** The table grows when more than 3/4 of its slots are taken. */
const MAX_LOAD = 0.75;
/** Most a table grows at once (when the n-grams still to come are projected, see the constructor). */
const MAX_GROWTH = 16;

/**
 * The counting form of an {@link NgramIndex}: an open-addressing table whose slots hold the key (parent id, word
 * id), the n-gram's id and its count side by side, so finding or adding an n-gram and counting it touches one
 * cache line (the index form reads its key back from the id arrays: three places in memory), and nothing else is
 * kept per n-gram while counting. Ids are dense in insertion order (so an n-gram's id is close to its prefix's,
 * which keeps the estimator's walks over contexts local). When counting ends, {@link NgramCountTable.finish} gives
 * the index and the counts by id, and the table can be dropped.
 */
export class NgramCountTable {
  /** Number of n-grams stored. */
  size = 0;
  #slots: Int32Array;
  #mask: number;

  readonly #collect: (() => void) | undefined;
  readonly #project: ((size: number) => number) | undefined;

  /**
   * @param expected n-grams to make room for at first (the table grows as needed).
   * @param collect called after growing from a large table (16 MiB and more) dropped: a chance to give its memory
   * back before more is allocated (see `CountOptions.collect`).
   * @param project given the number of n-grams when the table is full, the number the whole input is expected to
   * bring (0: unknown): the table then grows at once to hold that many (at most 16× its size), instead of doubling
   * again and again — each growth copies the table into fresh memory, which the system must map page by page.
   */
  constructor(expected = 1024, collect?: () => void, project?: (size: number) => number) {
    this.#collect = collect;
    this.#project = project;
    const capacity = Math.max(16, expected);
    let slots = 32;
    while (slots * MAX_LOAD < capacity) slots *= 2;
    this.#slots = emptySlots(slots);
    this.#mask = slots - 1;
  }

  /** N-grams the table holds before it grows next. */
  get capacity(): number {
    return Math.floor((this.#mask + 1) * MAX_LOAD);
  }

  /** Bytes of the table's slots. */
  get bytes(): number {
    return this.#slots.byteLength;
  }

  /**
   * Counts one occurrence of the n-gram (parent, word) and returns its id; a new n-gram gets id `size` (before
   * the call), so `size` growing tells the caller it was new.
   */
  add(parent: number, word: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    let slot = hashPair(parent, word) & mask;
    for (;;) {
      const at = slot * STRIDE;
      const id = slots[at + 2]!;
      if (id === 0) break;
      if (slots[at + 1] === word && slots[at] === parent) {
        slots[at + 3]!++;
        return id - 1;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.size;
    this.size = id + 1;
    const at = slot * STRIDE;
    slots[at] = parent;
    slots[at + 1] = word;
    slots[at + 2] = id + 1;
    slots[at + 3] = 1;
    if (this.size > MAX_LOAD * (mask + 1)) this.#rehash();
    return id;
  }

  /**
   * {@link add} for `count` n-grams at once: `(parents[i], words[wordsAt + i])` for i < count, their ids to `ids[i]`.
   * The same ids and counts as `count` calls of `add` in order. First every n-gram's home slot is read (loads that
   * do not depend on one another, so the processor overlaps their cache misses); an n-gram found there is counted
   * at once, the others go through `add`, in order (new ids are given in the same order), on lines already in the
   * cache.
   */
  addAll(parents: Int32Array, words: Int32Array, wordsAt: number, count: number, ids: Int32Array): void {
    const slots = this.#slots;
    const mask = this.#mask;
    // ids[i]: where the n-gram's home slot starts in `slots`, + 1, when the n-gram sits there; 0 where it does not.
    for (let i = 0; i < count; i++) {
      const parent = parents[i]!;
      const word = words[wordsAt + i]!;
      const at = (hashPair(parent, word) & mask) * STRIDE;
      ids[i] = slots[at + 2] !== 0 && slots[at + 1] === word && slots[at] === parent ? at + 1 : 0;
    }
    for (let i = 0; i < count; i++) {
      const home = ids[i]!;
      // Once an add has grown the table, the slots read above are an old copy: add the rest.
      if (home !== 0 && this.#slots === slots) {
        slots[home + 2]!++;
        ids[i] = slots[home + 1]! - 1;
      } else ids[i] = this.add(parents[i]!, words[wordsAt + i]!);
    }
  }

  /**
   * The n-grams as an {@link NgramIndex} (its hash table built on first use: a model that is only written out
   * never needs it) and their counts by id; the table is empty afterwards.
   */
  finish(): { index: NgramIndex; counts: Uint32Array } {
    const size = this.size;
    const parents = largeInt32Array(size);
    const words = largeInt32Array(size);
    const counts = largeUint32Array(size);
    scatterSlots(this.#slots, parents, words, counts);
    this.#clear();
    return { index: NgramIndex.lazy(parents, words), counts };
  }

  #clear(): void {
    this.#slots = emptySlots(32);
    this.#mask = 31;
    this.size = 0;
  }

  #rehash(): void {
    const old = this.#slots;
    const count = old.length / STRIDE;
    // Sized for the projection (which allows for new n-grams getting rarer as counting goes). Too small, the table
    // doubles once more at the end; too large, every page of it would be touched, for nothing.
    const projected = this.#project?.(this.size) ?? 0;
    let grown = count * 2;
    while (grown < count * MAX_GROWTH && grown * MAX_LOAD < projected) grown *= 2;
    const slots = emptySlots(grown);
    const mask = slots.length / STRIDE - 1;
    reinsert(old, slots, mask);
    this.#slots = slots;
    this.#mask = mask;
    if (old.byteLength >= 1 << 24) this.#collect?.();
  }
}

/*
 * The passes over a whole table, each in a function of its own: called once per table (and per growth), a loop
 * inside a method would start in the interpreter each time and be compiled, and thrown away, from inside it.
 */

/** Every occupied slot of `old` into the empty table `slots` (`mask`: its slot count − 1), at its first free probe. */
function reinsert(old: Int32Array, slots: Int32Array, mask: number): void {
  for (let from = 0; from < old.length; from += STRIDE) {
    if (old[from + 2] === 0) continue;
    let slot = hashPair(old[from]!, old[from + 1]!) & mask;
    while (slots[slot * STRIDE + 2] !== 0) slot = (slot + 1) & mask;
    const at = slot * STRIDE;
    slots[at] = old[from]!;
    slots[at + 1] = old[from + 1]!;
    slots[at + 2] = old[from + 2]!;
    slots[at + 3] = old[from + 3]!;
  }
}

/** Each occupied slot's key and count to `parents`, `words` and `counts` at its id. */
function scatterSlots(table: Int32Array, parents: Int32Array, words: Int32Array, counts: Uint32Array): void {
  for (let at = 0; at < table.length; at += STRIDE) {
    const id = table[at + 2]! - 1;
    if (id === -1) continue;
    parents[id] = table[at]!;
    words[id] = table[at + 1]!;
    counts[id] = table[at + 3]!;
  }
}

/**
 * A table's zeroed slots, written once before use: its first access of a slot is a read, which on fresh memory would
 * fault twice per page (see largeArrays.ts).
 */
function emptySlots(count: number): Int32Array {
  return largeInt32Array(count * STRIDE).fill(0);
}
