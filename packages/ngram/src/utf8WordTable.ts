/**
 * Open-addressing table from a word given as a byte range (its UTF-8 encoding, inside some buffer) to its id, with
 * no string made: the fast ARPA reader and the text scorer find words in the bytes they read. The spellings are
 * kept in one growing byte array; a slot holds an id, its hash beside it so most mismatches cost no byte compare.
 */
export class Utf8WordTable {
  #slots: Int32Array;
  #hashes: Int32Array;
  #mask: number;
  #size = 0;
  /** Spelling bytes of every id, back to back: id i is `#bytes[#starts[i]..#starts[i + 1])`. */
  #bytes: Uint8Array;
  #starts: Int32Array;
  #used = 0;

  /** A table with room for `words` words of `bytes` bytes in all before it grows (a loader that knows them). */
  constructor(words = 512, bytes = 1 << 14) {
    let slots = 1024;
    while (slots < words * 2) slots *= 2;
    this.#slots = new Int32Array(slots).fill(-1);
    this.#hashes = new Int32Array(slots);
    this.#mask = slots - 1;
    this.#bytes = new Uint8Array(Math.max(16, bytes));
    this.#starts = new Int32Array(Math.max(slots / 2, words) + 1);
  }

  /** Number of words added. */
  get size(): number {
    return this.#size;
  }

  /**
   * The words' spellings, back to back, and where each starts (`starts[size]`: the end), in shared memory (another
   * thread makes its table of them with {@link fromSpellings}, encoding nothing).
   */
  spellings(): { bytes: Uint8Array; starts: Int32Array } {
    const bytes = new Uint8Array(new SharedArrayBuffer(this.#used));
    bytes.set(this.#bytes.subarray(0, this.#used));
    const starts = new Int32Array(new SharedArrayBuffer(4 * (this.#size + 1)));
    starts.set(this.#starts.subarray(0, this.#size + 1));
    return { bytes, starts };
  }

  /** The table of {@link spellings}' words, with the same ids. */
  static fromSpellings(bytes: Uint8Array, starts: Int32Array): Utf8WordTable {
    const size = starts.length - 1;
    const table = new Utf8WordTable(size, bytes.length);
    for (let id = 0; id < size; id++) table.add(bytes, starts[id]!, starts[id + 1]!);
    return table;
  }

  /** Id of the word `bytes[from..to)`, or -1. `h` is its {@link hashBytes} (callers hash while they scan). */
  find(bytes: Uint8Array, from: number, to: number, h: number): number {
    const slots = this.#slots;
    const hashes = this.#hashes;
    const mask = this.#mask;
    const length = to - from;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = slots[slot]!;
      if (id < 0) return -1;
      if (hashes[slot] === h) {
        const start = this.#starts[id]!;
        if (this.#starts[id + 1]! - start === length && this.#same(bytes, from, start, length)) return id;
      }
    }
  }

  #same(bytes: Uint8Array, from: number, start: number, length: number): boolean {
    const own = this.#bytes;
    for (let i = 0; i < length; i++) if (own[start + i] !== bytes[from + i]) return false;
    return true;
  }

  /**
   * Adds the word `bytes[from..to)` (not yet present) as id {@link size}; ids are given in the order words are
   * added, so a table filled in vocabulary order maps bytes to vocabulary indexes.
   */
  add(bytes: Uint8Array, from: number, to: number): number {
    const id = this.#size;
    const length = to - from;
    if (this.#used + length > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#used + length));
      grown.set(this.#bytes.subarray(0, this.#used));
      this.#bytes = grown;
    }
    if (id + 2 > this.#starts.length) {
      const grown = new Int32Array(this.#starts.length * 2);
      grown.set(this.#starts);
      this.#starts = grown;
    }
    this.#bytes.set(bytes.subarray(from, to), this.#used);
    this.#starts[id] = this.#used;
    this.#used += length;
    this.#starts[id + 1] = this.#used;
    if ((id + 1) * 2 > this.#slots.length) this.#rehash();
    this.#place(hashBytes(bytes, from, to), id);
    this.#size = id + 1;
    return id;
  }

  #place(h: number, id: number): void {
    const mask = this.#mask;
    let slot = h & mask;
    while (this.#slots[slot]! >= 0) slot = (slot + 1) & mask;
    this.#slots[slot] = id;
    this.#hashes[slot] = h;
  }

  #rehash(): void {
    const slots = this.#slots;
    const hashes = this.#hashes;
    this.#slots = new Int32Array(slots.length * 2).fill(-1);
    this.#hashes = new Int32Array(slots.length * 2);
    this.#mask = slots.length * 2 - 1;
    for (let s = 0; s < slots.length; s++) if (slots[s]! >= 0) this.#place(hashes[s]!, slots[s]!);
  }
}

/** Seed of {@link hashBytes}; a scanner hashes byte b into h as `h = Math.imul(h ^ b, BYTE_HASH_PRIME)`. */
export const BYTE_HASH_SEED = 0x811c9dc5 | 0;
/** FNV-1a's 32-bit prime. */
export const BYTE_HASH_PRIME = 0x01000193;

/** FNV-1a over bytes, then {@link finishByteHash}. */
export function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let h = BYTE_HASH_SEED;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, BYTE_HASH_PRIME);
  return finishByteHash(h);
}

/** A multiply-xorshift so the low bits (the slot) of an FNV hash are well mixed. */
export function finishByteHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}

/** A table of every word of `words` in order (id i = `words[i]`), keyed by UTF-8 bytes. */
export function utf8WordTable(words: readonly string[]): Utf8WordTable {
  const table = new Utf8WordTable();
  const encoder = new TextEncoder();
  for (const word of words) {
    const bytes = encoder.encode(word);
    table.add(bytes, 0, bytes.length);
  }
  return table;
}

/**
 * A table of the words spelled in `bytes` (UTF-8, each followed by a 0 byte except the last; id i = the i-th), as a
 * binary model stores its vocabulary: no string is made or encoded. `expectedWords` (their number, when known) sizes
 * the table once.
 */
export function utf8WordTableOfJoined(bytes: Uint8Array, expectedWords?: number): Utf8WordTable {
  const table = new Utf8WordTable(expectedWords, bytes.length);
  for (let from = 0; ; ) {
    let to = bytes.indexOf(0, from);
    if (to < 0) to = bytes.length;
    table.add(bytes, from, to);
    if (to === bytes.length) return table;
    from = to + 1;
  }
}
