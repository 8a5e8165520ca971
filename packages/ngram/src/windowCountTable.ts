import { InvalidArgumentError } from '@nlpkit/core';
import { PKG } from './errors.js';
import { slotsFor } from './ngramIndex.js';
import { radixSortRecords } from './radixSortRecords.js';

/** Bytes of a {@link WindowCountTable} of `capacity` n-grams of `n` words at its largest (records and hash slots). */
export function windowCountTableBytes(n: number, capacity: number): number {
  return 4 * ((n + 1) * capacity + slotsFor(capacity));
}

/**
 * The counting table of the out-of-core counter: n-grams of one order counted whole (n words as the key, as lmplz's
 * counter does), one run at a time. Records `[w1..wn, count]` lie side by side in insertion order; an
 * open-addressing table holds their ids + 1. Counting an occurrence reads a slot and one record. The records are
 * allocated whole at once (untouched memory costs nothing: they are touched as they fill); the hash table starts at
 * `initialSlots` and doubles as it fills (load ≤ 0.5), up to {@link slotsFor}(capacity): a table that stays small
 * (repetitive text, a small corpus) stays in the processor's caches. (Records stored in the slots themselves save
 * the slot's cache miss, but at a load of 0.25–0.5 they took 1.3× the memory of the whole counter on PTB ×108.)
 * {@link sorted} sorts the records for a run; {@link clear} empties the table for the next one.
 */
export class WindowCountTable {
  /** Number of n-grams stored. */
  size = 0;
  /** Words per n-gram. */
  readonly n: number;
  readonly #records: Uint32Array;
  /** Id + 1 of the n-gram in each slot (0: empty, so fresh memory is an empty table). */
  #slots: Int32Array;
  #mask: number;
  readonly #capacity: number;
  readonly #maxSlots: number;
  readonly #allocate: (length: number) => Int32Array;
  readonly #onGrow: (() => void) | undefined;

  /**
   * @param n words per n-gram (1 to 10).
   * @param capacity most n-grams the table holds (the counter spills a run before it would hold more).
   * @param allocate makes a zero-filled array of `length` int32s (the records, then each hash table).
   * @param onGrow called after each doubling of the hash table (the old one is garbage).
   */
  constructor(n: number, capacity: number, initialSlots: number, allocate: (length: number) => Int32Array, onGrow?: () => void) {
    this.n = n;
    this.#capacity = capacity;
    this.#maxSlots = slotsFor(capacity);
    this.#allocate = allocate;
    this.#onGrow = onGrow;
    const records = allocate((n + 1) * capacity);
    this.#records = new Uint32Array(records.buffer, records.byteOffset, records.length);
    this.#slots = allocate(Math.max(32, Math.min(this.#maxSlots, initialSlots)));
    this.#mask = this.#slots.length - 1;
  }

  /** Number of hash slots now. */
  get slots(): number {
    return this.#slots.length;
  }

  /** Whether the table holds `capacity` n-grams (the next new one would not fit: spill first). */
  get full(): boolean {
    return this.size === this.#capacity;
  }

  /**
   * Counts one occurrence of the n-gram `words[at .. at + n)`. At most `capacity` n-grams: the caller spills
   * before (see {@link full}).
   */
  add(words: Uint32Array, at: number): void {
    const n = this.n;
    const width = n + 1;
    const slots = this.#slots;
    const records = this.#records;
    const mask = this.#mask;
    let slot = hashWords(words, at, n) & mask;
    for (;;) {
      const tag = slots[slot]!;
      if (tag === 0) break;
      const r = (tag - 1) * width;
      let k = 0;
      while (k < n && records[r + k] === words[at + k]) k++;
      if (k === n) {
        records[r + n]!++;
        return;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.size;
    // The caller spills first; a typed array would drop the writes past its end without a word.
    if (id >= this.#capacity) {
      throw new InvalidArgumentError({
        package: PKG,
        argument: 'a new n-gram for a WindowCountTable',
        expected: `within its capacity of ${id} n-grams (spill the run first)`,
        foundText: 'a full table',
      });
    }
    const r = id * width;
    for (let k = 0; k < n; k++) records[r + k] = words[at + k]!;
    records[r + n] = 1;
    this.size = id + 1;
    if (this.size * 2 > slots.length && slots.length < this.#maxSlots) this.#grow();
    else slots[slot] = id + 1;
  }

  /**
   * {@link add} for the `count` n-grams starting at `words[at]`, `words[at + 1]`, …: the same counts. First every
   * n-gram's home slot is read, then the record it holds: loads that do not depend on one another, so the processor
   * overlaps their cache misses; an n-gram found in its home slot is counted at once, the others go through `add`.
   * `tags` holds `count` int32s of scratch. The caller makes room for `count` new n-grams first.
   */
  addAll(words: Uint32Array, at: number, count: number, tags: Int32Array): void {
    const n = this.n;
    const width = n + 1;
    const slots = this.#slots;
    const records = this.#records;
    const mask = this.#mask;
    for (let i = 0; i < count; i++) tags[i] = slots[hashWords(words, at + i, n) & mask]!;
    for (let i = 0; i < count; i++) {
      const tag = tags[i]!;
      if (tag === 0) continue;
      const r = (tag - 1) * width;
      let k = 0;
      while (k < n && records[r + k] === words[at + i + k]) k++;
      if (k !== n) tags[i] = 0;
    }
    for (let i = 0; i < count; i++) {
      const tag = tags[i]!;
      if (tag !== 0) records[(tag - 1) * width + n]!++;
      else this.add(words, at + i);
    }
  }

  /**
   * The n-grams as `size` records `[w1..wn, count]` sorted by their words ({@link radixSortRecords} with `other`, at
   * least as long as the records, and `histogram`; words below `vocabSize`). The table's n-grams are no longer
   * counted after this: {@link clear} it before counting again.
   */
  sorted(other: Uint32Array, histogram: Uint32Array, vocabSize: number): Uint32Array {
    const length = this.size * (this.n + 1);
    return radixSortRecords(this.#records.subarray(0, length), other.subarray(0, length), histogram, this.size, this.n + 1, this.n, vocabSize);
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
    const records = this.#records;
    const width = this.n + 1;
    for (let id = 0; id < this.size; id++) {
      let slot = hashWords(records, id * width, this.n) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.#slots = slots;
    this.#mask = mask;
    this.#onGrow?.();
  }
}

/** 32-bit hash of `n` word ids (multiply-xorshift per word, then a final mix); spread enough for linear probing. */
function hashWords(words: Uint32Array, at: number, n: number): number {
  let h = 0x9e3779b1;
  for (let k = 0; k < n; k++) {
    h = Math.imul(h ^ words[at + k]!, 0x85ebca77);
    h ^= h >>> 13;
  }
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 15)) >>> 0;
}
