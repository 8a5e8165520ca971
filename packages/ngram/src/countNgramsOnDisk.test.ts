import { existsSync, rmSync } from 'node:fs';
import { InvalidArgumentError, createRng } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { countNgrams } from './countNgrams.js';
import { countNgramsOnDisk, readCountFile } from './countNgramsOnDisk.js';

function corpus(sentences: number, seed: number): string[][] {
  const rng = createRng(seed);
  const random = (): number => rng.next();
  return Array.from({ length: sentences }, () =>
    Array.from({ length: 1 + Math.floor(random() * 12) }, () => `w${Math.floor(random() * random() * 300)}`),
  );
}

/** All n-grams of order n as "w1 w2 …" → count, from the in-memory counter. */
function inMemory(train: string[][], order: number): Map<string, number>[] {
  const counts = countNgrams(train, { order });
  const v = counts.wordIndex;
  const text: string[][] = [v.words().slice()];
  const maps: Map<string, number>[] = [new Map()];
  counts.counts[0]!.forEach((c, id) => c > 0 && maps[0]!.set(v.word(id), c));
  for (let n = 1; n < order; n++) {
    const index = counts.indexes[n]!;
    const names: string[] = [];
    const map = new Map<string, number>();
    for (let id = 0; id < index.size; id++) {
      names[id] = `${text[n - 1]![index.parents[id]!]} ${v.word(index.words[id]!)}`;
      map.set(names[id]!, counts.counts[n]![id]!);
    }
    text.push(names);
    maps.push(map);
  }
  return maps;
}

describe('countNgramsOnDisk', () => {
  // Order 3 merges by packed numeric keys (300³ < 2⁵³), order 7 word by word (300⁷ > 2⁵³).
  it.each([3, 7])('gives the in-memory counts through many spilled runs under a tiny memory cap (order %i)', (order) => {
    const train = corpus(order === 3 ? 3000 : 800, 5);
    const result = countNgramsOnDisk(train, { order, memoryBytes: 1 << 16 });
    try {
      expect(result.runs).toBeGreaterThan(5);
      const expected = inMemory(train, order);
      for (let n = 1; n <= order; n++) {
        const seen = new Map<string, number>();
        let previous = '';
        for (const { words, count } of readCountFile(result.files[n - 1]!, n)) {
          const key = Array.from(words, (w) => result.wordIndex.word(w)).join(' ');
          const packed = Array.from(words, (w) => String(w).padStart(8, '0')).join(' ');
          expect(packed > previous).toBe(true); // sorted, no duplicates
          previous = packed;
          seen.set(key, count);
        }
        expect(seen.size).toBe(result.distinct[n - 1]);
        expect(seen).toEqual(expected[n - 1]);
      }
      expect(result.tokens).toBe(train.reduce((s, x) => s + x.length + 1, 0));
    } finally {
      rmSync(result.directory, { recursive: true, force: true });
    }
    expect(existsSync(result.directory)).toBe(false);
  });

  it('rejects a cap below 64 KiB', () => {
    expect(() => countNgramsOnDisk([['a']], { order: 2, memoryBytes: 10 })).toThrow(InvalidArgumentError);
    expect(() => countNgramsOnDisk([['a']], { order: 2, memoryBytes: 10 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/ngram: options.memoryBytes must be a number ≥ 65536, got 10]`,
    );
  });
});
