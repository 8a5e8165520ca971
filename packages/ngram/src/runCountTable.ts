import { InvalidArgumentError } from '@nlpkit/core';
import { PKG } from './errors.js';
import { hashPair, slotsFor } from './ngramIndex.js';

/** Int32s per n-gram record, by id: prefix id, word id, count. */
export const RUN_RECORD = 3;

/** Bytes of a {@link RunCountTable} of `capacity` n-grams at its largest. */
export function runCountTableBytes(capacity: number): number {
  return 4 * (RUN_RECORD * capacity + slotsFor(capacity));
}

/**
 * The counting table of one order of the out-of-core counter (one run at a time): n-gram records `[prefix id,
 * word id, count]` side by side in id order (ids dense, in insertion order: the next order's keys use them), and
 * an open-addressing table of ids. Counting an occurrence reads a slot and one record — where keys and counts in
 * separate arrays by id cost four places in memory, so four cache misses in a large table. The records are
 * allocated whole at once (untouched memory costs nothing); the hash table starts at `initialSlots` and doubles as
 * it fills, up to {@link slotsFor}(capacity): a table that stays small (repetitive text, a small corpus) stays in
 * the processor's caches. The sort of a spilled run reads the records by id ({@link records}); {@link clear}
 * empties the table for the next run.
 */
export class RunCountTable {
  /** Number of n-grams stored. */
  size = 0;
  /** Records by id: `[prefix id, word id, count]` at `id * 3`. */
  readonly records: Int32Array;
  /** Id + 1 of the n-gram in each slot (0: empty, so fresh memory is an empty table). */
  #slots: Int32Array;
  #mask: number;
  readonly #maxSlots: number;
  readonly #allocate: (length: number) => Int32Array;
  readonly #onGrow: (() => void) | undefined;

  /**
   * @param capacity most n-grams the table holds (the counter spills a run before it would hold more).
   * @param allocate makes a zero-filled array of `length` int32s.
   * @param onGrow called after each doubling of the hash table (the old one is garbage).
   */
  constructor(capacity: number, initialSlots: number, allocate: (length: number) => Int32Array, onGrow?: () => void) {
    this.#maxSlots = slotsFor(capacity);
    this.#allocate = allocate;
    this.#onGrow = onGrow;
    this.records = allocate(RUN_RECORD * capacity);
    this.#slots = allocate(Math.max(32, Math.min(this.#maxSlots, initialSlots)));
    this.#mask = this.#slots.length - 1;
  }

  /** Number of hash slots now. */
  get slots(): number {
    return this.#slots.length;
  }

  /**
   * Counts one occurrence of the n-gram (parent, word) and returns its id; a new n-gram gets id `size` (before
   * the call). At most `capacity` n-grams: the caller spills before.
   */
  add(parent: number, word: number): number {
    const slots = this.#slots;
    const records = this.records;
    const mask = this.#mask;
    let slot = hashPair(parent, word) & mask;
    for (;;) {
      const tag = slots[slot]!;
      if (tag === 0) break;
      const at = (tag - 1) * RUN_RECORD;
      if (records[at + 1] === word && records[at] === parent) {
        records[at + 2]!++;
        return tag - 1;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.size;
    const at = id * RUN_RECORD;
    // The caller spills first; a typed array would drop the writes past its end without a word.
    if (at >= records.length) {
      throw new InvalidArgumentError({
        package: PKG,
        argument: 'a new n-gram for a RunCountTable',
        expected: `within its capacity of ${id} n-grams (spill the run first)`,
        foundText: 'a full table',
      });
    }
    records[at] = parent;
    records[at + 1] = word;
    records[at + 2] = 1;
    this.size = id + 1;
    if (this.size * 2 > slots.length && slots.length < this.#maxSlots) this.#grow();
    else slots[slot] = id + 1;
    return id;
  }

  /**
   * {@link add} for `count` n-grams at once: `(parents[i], words[wordsAt + i])` for i < count, their ids to `ids[i]`.
   * The same ids and counts as `count` calls of `add` in order. First every n-gram's home slot is read, then the
   * record it holds: loads that do not depend on one another, so the processor overlaps their cache misses. An
   * n-gram found in its home slot is then counted at once; the others go through `add`, in order (new ids are
   * given in the same order), on lines already in the cache.
   */
  addAll(parents: Int32Array, words: Int32Array, wordsAt: number, count: number, ids: Int32Array): void {
    const slots = this.#slots;
    const records = this.records;
    const mask = this.#mask;
    for (let i = 0; i < count; i++) ids[i] = slots[hashPair(parents[i]!, words[wordsAt + i]!) & mask]!;
    // ids[i]: the id + 1 of the n-gram found in its home slot, 0 where it is not there.
    for (let i = 0; i < count; i++) {
      const tag = ids[i]!;
      if (tag === 0) continue;
      const at = (tag - 1) * RUN_RECORD;
      if (records[at + 1] !== words[wordsAt + i] || records[at] !== parents[i]) ids[i] = 0;
    }
    for (let i = 0; i < count; i++) {
      const tag = ids[i]!;
      if (tag !== 0) {
        records[(tag - 1) * RUN_RECORD + 2]!++;
        ids[i] = tag - 1;
      } else ids[i] = this.add(parents[i]!, words[wordsAt + i]!);
    }
  }

  /** Empties the table, keeping its arrays (no allocation): one table serves every run. */
  clear(): void {
    this.#slots.fill(0);
    this.size = 0;
  }

  /** Doubles the hash table and places every id again (the new n-gram, `size − 1`, too). */
  #grow(): void {
    const slots = this.#allocate(this.#slots.length * 2);
    const mask = slots.length - 1;
    const records = this.records;
    for (let id = 0; id < this.size; id++) {
      const at = id * RUN_RECORD;
      let slot = hashPair(records[at]!, records[at + 1]!) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.#slots = slots;
    this.#mask = mask;
    this.#onGrow?.();
  }
}
