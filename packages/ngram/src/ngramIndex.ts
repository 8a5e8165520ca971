/**
 * Open-addressing hash index of the n-grams of one order. An n-gram is the pair (id of its (n-1)-word prefix in
 * the order below, id of its last word), so every n-gram is two int32s and a lookup is one hash probe chain over
 * typed arrays — no joined strings, no per-n-gram objects. Ids are dense (0..size-1) in insertion order, which lets
 * callers keep per-n-gram data (counts, probabilities) in parallel typed arrays.
 */
export class NgramIndex {
  /** Prefix id of each n-gram, indexed by n-gram id (valid up to `size`). */
  parents: Int32Array;
  /** Last word id of each n-gram, indexed by n-gram id (valid up to `size`). */
  words: Int32Array;
  /** Number of n-grams stored. */
  size = 0;
  // Open-addressing table of ids (-1 = empty); keys are read from `parents`/`words`, so a slot is 4 bytes.
  #slots: Int32Array | undefined;
  #mask: number;

  constructor(expected = 1024) {
    const capacity = Math.max(16, expected);
    this.parents = new Int32Array(capacity);
    this.words = new Int32Array(capacity);
    const slots = slotsFor(capacity);
    this.#slots = new Int32Array(slots).fill(-1);
    this.#mask = slots - 1;
  }

  /** Builds an index over given parallel arrays (ids are array positions). Used by the readers. */
  static fromArrays(parents: Int32Array, words: Int32Array, size = parents.length): NgramIndex {
    const index = new NgramIndex(size);
    index.parents.set(parents.subarray(0, size));
    index.words.set(words.subarray(0, size));
    for (let id = 0; id < size; id++) index.#place(id);
    index.size = size;
    return index;
  }

  /**
   * An index over given id arrays whose hash table is built on the first lookup or insertion: an estimator's
   * model that is only written out (an ARPA file) never pays for it.
   */
  static lazy(parents: Int32Array, words: Int32Array): NgramIndex {
    const index = new NgramIndex(16);
    index.parents = parents;
    index.words = words;
    index.size = parents.length;
    index.#slots = undefined;
    return index;
  }

  /** Id of the n-gram (parent, word), or -1. */
  find(parent: number, word: number): number {
    const slots = this.#slots ?? this.#build();
    const mask = this.#mask;
    let slot = hashPair(parent, word) & mask;
    for (;;) {
      const id = slots[slot]!;
      if (id === -1) return -1;
      if (this.words[id] === word && this.parents[id] === parent) return id;
      slot = (slot + 1) & mask;
    }
  }

  /** Id of the n-gram (parent, word), inserting it when absent. New ids are `size` before the call. */
  findOrInsert(parent: number, word: number): number {
    const slots = this.#slots ?? this.#build();
    const mask = this.#mask;
    let slot = hashPair(parent, word) & mask;
    for (;;) {
      const id = slots[slot]!;
      if (id === -1) break;
      if (this.words[id] === word && this.parents[id] === parent) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.size;
    if (id === this.parents.length) this.#grow();
    this.parents[id] = parent;
    this.words[id] = word;
    this.size = id + 1;
    if (this.size * 2 > slots.length) this.#rehash();
    else slots[slot] = id;
    return id;
  }

  /** Bytes held by the typed arrays, for memory accounting. */
  get byteLength(): number {
    return this.parents.byteLength + this.words.byteLength + (this.#slots ?? this.#build()).byteLength;
  }

  /** Empties the index, keeping its arrays (no allocation). */
  clear(): void {
    (this.#slots ?? this.#build()).fill(-1);
    this.size = 0;
  }

  /** Drops the unused tail of the id arrays once no more n-grams will be added. */
  trim(): void {
    this.parents = this.parents.slice(0, this.size);
    this.words = this.words.slice(0, this.size);
  }

  #grow(): void {
    const capacity = this.parents.length * 2;
    const parents = new Int32Array(capacity);
    parents.set(this.parents);
    const words = new Int32Array(capacity);
    words.set(this.words);
    this.parents = parents;
    this.words = words;
  }

  #rehash(): void {
    const length = this.#slots!.length * 2;
    const slots = new Int32Array(length).fill(-1);
    this.#slots = slots;
    this.#mask = slots.length - 1;
    for (let id = 0; id < this.size; id++) this.#place(id);
  }

  /** The hash table of a {@link NgramIndex.lazy} index, built now (load ≤ 0.5). */
  #build(): Int32Array {
    let count = 32;
    while (count < this.size * 2 + 2) count *= 2;
    const slots = new Int32Array(count).fill(-1);
    this.#slots = slots;
    this.#mask = count - 1;
    for (let id = 0; id < this.size; id++) this.#place(id);
    return slots;
  }

  #place(id: number): void {
    const slots = this.#slots!;
    const mask = this.#mask;
    let slot = hashPair(this.parents[id]!, this.words[id]!) & mask;
    while (slots[slot] !== -1) slot = (slot + 1) & mask;
    slots[slot] = id;
  }
}

/** Hash-table slots for `capacity` n-grams: the power of two ≥ 2·capacity (load ≤ 0.5), at least 32. */
export function slotsFor(capacity: number): number {
  let slots = 32;
  while (slots < capacity * 2) slots *= 2;
  return slots;
}

/** 32-bit mix of two int32s (multiply-xorshift); good enough spread for linear probing at load ≤ 0.75. */
export function hashPair(a: number, b: number): number {
  let h = Math.imul(a ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(b + 0x165667b1, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return h >>> 0;
}
