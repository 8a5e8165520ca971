import { InvalidArgumentError, createRng } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { WindowCountTable, windowCountTableBytes } from './windowCountTable.js';

/** The sorted run's records as "w1 w2 … → count" lines, checking they are in word order. */
function runOf(table: WindowCountTable, histogram: Uint32Array, vocabSize: number): string[] {
  const n = table.n;
  const size = table.size;
  const sorted = table.sorted(new Uint32Array(size * (n + 1)), histogram, vocabSize);
  expect(sorted.length).toBe(size * (n + 1));
  const lines: string[] = [];
  for (let i = 0; i < size; i++) {
    const words = Array.from(sorted.subarray(i * (n + 1), i * (n + 1) + n));
    lines.push(`${words.map((w) => String(w).padStart(6, '0')).join(' ')} → ${sorted[i * (n + 1) + n]}`);
  }
  expect([...lines].sort()).toEqual(lines);
  return lines;
}

describe('WindowCountTable', () => {
  it('counts n-grams of n words, its hash table starting small and doubling as it fills; its sorted run holds every n-gram and count', () => {
    const n = 3;
    const capacity = 100_000;
    const allocated: number[] = [];
    let grown = 0;
    const table = new WindowCountTable(n, capacity, 1024, (length) => {
      allocated.push(length);
      return new Int32Array(length);
    }, () => grown++);
    // The records at full capacity at once (touched as they fill), the hash table at 1,024 slots.
    expect(allocated).toEqual([(n + 1) * capacity, 1024]);
    const rng = createRng(3);
    const counts = new Map<string, number>();
    const words = new Uint32Array(8);
    const vocab = 400;
    for (let i = 0; i < 400_000 && !table.full; i++) {
      // Skewed keys: some seen often, most once; at a random offset of the words array.
      const at = rng.int(5);
      const few = rng.int(2) === 0;
      for (let k = 0; k < n; k++) words[at + k] = rng.int(few ? 6 : vocab);
      table.add(words, at);
      const key = Array.from(words.subarray(at, at + n), (w) => String(w).padStart(6, '0')).join(' ');
      counts.set(key, (counts.get(key) ?? 0) + 1);
      expect(table.size).toBe(counts.size);
    }
    expect(table.full).toBe(true);
    // Doubled from 1,024 to slotsFor(capacity) = 262,144 slots (load ≤ 0.5), telling the caller each time.
    expect(allocated.slice(2)).toEqual([2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144]);
    expect(grown).toBe(8);
    expect(table.slots).toBe(262_144);
    expect(windowCountTableBytes(n, capacity)).toBe(4 * ((n + 1) * capacity + 262_144));
    const want = [...counts].map(([key, count]) => `${key} → ${count}`).sort();
    expect(runOf(table, new Uint32Array(vocab + 1), vocab)).toEqual(want);
    // Emptied for the next run, it keeps its grown table (no doubling again) and counts from 1.
    table.clear();
    expect(table.size).toBe(0);
    words.set([7, 8, 9]);
    table.add(words, 0);
    table.add(words, 0);
    words.set([7, 8, 10]);
    table.add(words, 0);
    expect(runOf(table, new Uint32Array(257), 70_000)).toEqual(['000007 000008 000009 → 2', '000007 000008 000010 → 1']);
    expect(grown).toBe(8);
  });

  it('addAll gives the counts of add called once per n-gram, in order, repeats within a batch included', () => {
    const n = 4;
    const capacity = 20_000;
    const one = new WindowCountTable(n, capacity, 256, (length) => new Int32Array(length));
    const all = new WindowCountTable(n, capacity, 256, (length) => new Int32Array(length));
    const rng = createRng(5);
    const words = new Uint32Array(80);
    const tags = new Int32Array(70);
    while (one.size + 70 <= capacity) {
      const count = 1 + rng.int(64);
      const at = rng.int(7);
      // Half from a few words, so a batch often holds the same n-gram twice (new or not); half from many.
      for (let i = 0; i < count + n; i++) words[at + i] = rng.int(2) === 0 ? rng.int(3) : rng.int(300);
      all.addAll(words, at, count, tags);
      for (let i = 0; i < count; i++) one.add(words, at + i);
      expect(all.size).toBe(one.size);
    }
    expect(all.slots).toBe(one.slots);
    const size = one.size;
    expect(runOf(all, new Uint32Array(301), 300)).toEqual(runOf(one, new Uint32Array(301), 300));
    expect(size).toBeGreaterThan(10_000);
  });

  it('refuses a new n-gram past its capacity with a typed error (the counter spills first) and still counts the ones it holds', () => {
    const table = new WindowCountTable(2, 40, 32, (length) => new Int32Array(length));
    const words = new Uint32Array(2);
    for (let i = 0; i < 40; i++) {
      words.set([i, i + 1]);
      table.add(words, 0);
    }
    words.set([40, 41]);
    expect(() => table.add(words, 0)).toThrow(InvalidArgumentError);
    expect(() => table.add(words, 0)).toThrow('@nlpkit/ngram: a new n-gram for a WindowCountTable must be within its capacity of 40 n-grams (spill the run first), got a full table');
    words.set([3, 4]);
    table.add(words, 0);
    expect(table.size).toBe(40);
    const run = runOf(table, new Uint32Array(42), 41);
    expect(run).toHaveLength(40);
    expect(run[3]).toBe('000003 000004 → 2');
  });
});
