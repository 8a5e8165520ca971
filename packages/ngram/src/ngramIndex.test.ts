import { createRng } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { NgramIndex, slotsFor } from './ngramIndex.js';

describe('NgramIndex', () => {
  it('slotsFor gives the power of two at least twice the capacity (at least 32)', () => {
    expect([1, 16, 17, 1000, 1 << 20].map(slotsFor)).toEqual([32, 32, 64, 2048, 1 << 21]);
  });

  it('a bounded index starts with a small table, doubles it as it fills, and keeps ids and look-ups', () => {
    const capacity = 100_000;
    const allocated: number[] = [];
    let grown = 0;
    const index = NgramIndex.bounded(capacity, 1024, (length) => {
      allocated.push(length);
      return new Int32Array(length);
    }, () => grown++);
    // The id arrays at full capacity at once, the table at 1,024 slots.
    expect(allocated).toEqual([capacity, capacity, 1024]);
    const rng = createRng(3);
    const pairs: [number, number][] = [];
    const seen = new Map<string, number>();
    for (let i = 0; i < 300_000 && index.size < capacity; i++) {
      const pair: [number, number] = [rng.int(5000), rng.int(500)];
      const id = index.findOrInsert(pair[0], pair[1]);
      const key = pair.join(' ');
      if (!seen.has(key)) {
        expect(id).toBe(seen.size); // new ids are dense, in insertion order
        seen.set(key, id);
        pairs.push(pair);
      } else expect(id).toBe(seen.get(key));
    }
    expect(index.size).toBe(capacity);
    // Doubled from 1,024 to slotsFor(capacity) = 262,144 slots (load ≤ 0.5), telling the caller each time.
    expect(allocated.slice(3)).toEqual([2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144]);
    expect(grown).toBe(8);
    for (const [k, [p, w]] of pairs.entries()) {
      if (k % 97 === 0) expect(index.find(p, w)).toBe(k);
    }
    expect(index.find(5001, 0)).toBe(-1);
    // Emptied for the next run, it keeps its grown table (no doubling again).
    index.clear();
    expect(index.size).toBe(0);
    expect(index.find(pairs[0]![0], pairs[0]![1])).toBe(-1);
    for (const [p, w] of pairs.slice(0, 50_000)) index.findOrInsert(p, w);
    expect(grown).toBe(8);
  });
});
