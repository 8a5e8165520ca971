import { InvalidArgumentError, createRng } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { RUN_RECORD, RunCountTable, runCountTableBytes } from './runCountTable.js';

describe('RunCountTable', () => {
  it('counts n-grams under dense ids, starts with a small hash table and doubles it as it fills', () => {
    const capacity = 100_000;
    const allocated: number[] = [];
    let grown = 0;
    const table = new RunCountTable(capacity, 1024, (length) => {
      allocated.push(length);
      return new Int32Array(length);
    }, () => grown++);
    // The records at full capacity at once, the hash table at 1,024 slots.
    expect(allocated).toEqual([RUN_RECORD * capacity, 1024]);
    const rng = createRng(3);
    const ids = new Map<string, number>();
    const counts: number[] = [];
    for (let i = 0; i < 400_000 && table.size < capacity; i++) {
      // Skewed pairs: some seen often, most once.
      const pair = [rng.int(rng.int(2) === 0 ? 50 : 5000), rng.int(rng.int(2) === 0 ? 20 : 500)] as const;
      const id = table.add(pair[0], pair[1]);
      const key = pair.join(' ');
      const known = ids.get(key);
      if (known === undefined) {
        expect(id).toBe(ids.size); // new ids are dense, in insertion order
        ids.set(key, id);
        counts.push(1);
      } else {
        expect(id).toBe(known);
        counts[id]!++;
      }
    }
    expect(table.size).toBe(capacity);
    // Doubled from 1,024 to slotsFor(capacity) = 262,144 slots (load ≤ 0.5), telling the caller each time.
    expect(allocated.slice(2)).toEqual([2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144]);
    expect(grown).toBe(8);
    expect(table.slots).toBe(262_144);
    expect(runCountTableBytes(capacity)).toBe(4 * (RUN_RECORD * capacity + 262_144));
    // The records by id: key and count of every n-gram.
    const records = table.records;
    for (const [key, id] of ids) {
      expect(`${records[id * RUN_RECORD]} ${records[id * RUN_RECORD + 1]}`).toBe(key);
      expect(records[id * RUN_RECORD + 2]).toBe(counts[id]);
    }
    // Emptied for the next run, it keeps its grown table (no doubling again) and counts from 1.
    table.clear();
    expect(table.size).toBe(0);
    const [first] = ids.keys();
    const [p, w] = first!.split(' ').map(Number) as [number, number];
    expect(table.add(p, w)).toBe(0);
    expect(table.add(p, w)).toBe(0);
    expect(records[2]).toBe(2);
    expect(table.add(p + 1, w)).toBe(1);
    for (let i = 0; i < 50_000; i++) table.add(i, 7);
    expect(grown).toBe(8);
    expect(table.size).toBe(50_002);
  });

  it('addAll gives the ids and counts of add called once per n-gram, in order, repeats within a batch included', () => {
    const capacity = 20_000;
    const one = new RunCountTable(capacity, 256, (length) => new Int32Array(length));
    const all = new RunCountTable(capacity, 256, (length) => new Int32Array(length));
    const rng = createRng(5);
    const parents = new Int32Array(64);
    const words = new Int32Array(70);
    const ids = new Int32Array(64);
    while (one.size + 64 <= capacity) {
      const count = 1 + rng.int(64);
      const at = rng.int(7);
      for (let i = 0; i < count; i++) {
        // Half from a few pairs, so a batch often holds the same n-gram twice (new or not); half from many.
        const few = rng.int(2) === 0;
        parents[i] = rng.int(few ? 8 : 4000);
        words[at + i] = rng.int(few ? 4 : 300);
      }
      all.addAll(parents, words, at, count, ids);
      for (let i = 0; i < count; i++) expect(ids[i]).toBe(one.add(parents[i]!, words[at + i]!));
      expect(all.size).toBe(one.size);
    }
    expect(all.slots).toBe(one.slots);
    expect(all.records).toEqual(one.records);
  });

  it('refuses a new n-gram past its capacity with a typed error (the counter spills first) and still counts the ones it holds', () => {
    const table = new RunCountTable(40, 32, (length) => new Int32Array(length));
    for (let i = 0; i < 40; i++) table.add(i, i);
    expect(() => table.add(40, 40)).toThrow(InvalidArgumentError);
    expect(() => table.add(40, 40)).toThrow('@nlpkit/ngram: a new n-gram for a RunCountTable must be within its capacity of 40 n-grams (spill the run first), got a full table');
    expect(table.add(3, 3)).toBe(3);
    expect(table.records[3 * RUN_RECORD + 2]).toBe(2);
    expect(table.size).toBe(40);
  });
});
