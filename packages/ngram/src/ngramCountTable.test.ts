import { describe, expect, it } from 'vitest';
import { NgramCountTable } from './ngramCountTable.js';

describe('NgramCountTable', () => {
  it('counts pairs through growth and gives an index that finds every one, with counts by id', () => {
    const table = new NgramCountTable(16);
    const expected = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const parent = (i * 7919) % 3001;
      const word = (i * 104729) % 97;
      const before = table.size;
      const id = table.add(parent, word);
      if (table.size > before) expect(id).toBe(before);
      expected.set(`${parent} ${word}`, (expected.get(`${parent} ${word}`) ?? 0) + 1);
    }
    const { index, counts } = table.finish();
    expect(index.size).toBe(expected.size);
    for (const [key, count] of expected) {
      const [parent, word] = key.split(' ').map(Number) as [number, number];
      const id = index.find(parent, word);
      expect(id).toBeGreaterThanOrEqual(0);
      expect([index.parents[id], index.words[id], counts[id]]).toEqual([parent, word, count]);
    }
    expect(index.find(5000, 1)).toBe(-1);
    // The index stays usable for insertion.
    expect(index.findOrInsert(5000, 1)).toBe(expected.size);
    expect(index.find(5000, 1)).toBe(expected.size);
    expect(table.size).toBe(0);
  });

  it('addAll gives the ids and counts of add called once per n-gram, in order, through growth and repeats within a batch', () => {
    const one = new NgramCountTable(16);
    const all = new NgramCountTable(16);
    const parents = new Int32Array(64);
    const words = new Int32Array(70);
    const ids = new Int32Array(64);
    let seed = 7;
    const next = (n: number): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    for (let batch = 0; batch < 600; batch++) {
      const count = 1 + next(64);
      const at = next(7);
      for (let i = 0; i < count; i++) {
        // Half from a few pairs (the same n-gram twice in a batch, new or not), half from many (the table grows).
        const few = next(2) === 0;
        parents[i] = next(few ? 8 : 4000);
        words[at + i] = next(few ? 4 : 300);
      }
      all.addAll(parents, words, at, count, ids);
      for (let i = 0; i < count; i++) expect(ids[i]).toBe(one.add(parents[i]!, words[at + i]!));
      expect(all.size).toBe(one.size);
    }
    const a = one.finish();
    const b = all.finish();
    expect(b.counts).toEqual(a.counts);
    expect(b.index.size).toBe(a.index.size);
  });

  it('grows at once to a projected size and counts the same as doubling', () => {
    const projections: number[] = [];
    const plain = new NgramCountTable(16);
    const projected = new NgramCountTable(16, undefined, (size) => {
      projections.push(size);
      return size * 100;
    });
    for (let i = 0; i < 20_000; i++) {
      const parent = (i * 7919) % 3001;
      const word = (i * 104729) % 97;
      expect(projected.add(parent, word)).toBe(plain.add(parent, word));
    }
    // 8× at a time at most (16 slots' worth to 20,000 n-grams: a few growths, not a dozen).
    expect(projections.length).toBeLessThanOrEqual(4);
    expect(projected.bytes).toBeGreaterThanOrEqual(plain.bytes);
    const a = plain.finish();
    const b = projected.finish();
    expect(b.counts).toEqual(a.counts);
    expect(b.index.parents).toEqual(a.index.parents);
    expect(b.index.words).toEqual(a.index.words);
  });
});
