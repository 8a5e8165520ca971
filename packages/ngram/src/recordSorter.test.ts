import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@nlpkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBudget } from './memoryBudget.js';
import { RecordSorter } from './recordSorter.js';

const VOCAB = 200;

/** `count` random records of `width` words: key words below VOCAB (repeating), the others up to 1,000. */
function records(count: number, width: number, keyLength: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => Array.from({ length: width }, (_, k) => (k < keyLength ? rng.int(VOCAB) : 1 + rng.int(1000))));
}

/** What the sorter must give: the records in key order (stable: equal keys keep their input order), summed when asked. */
function expected(input: number[][], keyLength: number, sum: boolean): number[] {
  const key = (r: number[]) => r.slice(0, keyLength).reduce((a, w) => a * VOCAB + w, 0);
  const sorted = input.map((r, i) => ({ r, i, k: key(r) })).sort((a, b) => a.k - b.k || a.i - b.i);
  const out: number[][] = [];
  for (const { r } of sorted) {
    const last = out[out.length - 1];
    if (sum && last !== undefined && key(last) === key(r)) last[last.length - 1]! += r[r.length - 1]!;
    else out.push([...r]);
  }
  return out.flat();
}

describe('RecordSorter', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'nlpkit-sorter-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it.each([
    { width: 3, keyLength: 2, sum: true, keyLabel: 'summed' },
    { width: 5, keyLength: 3, sum: false, keyLabel: 'kept' },
    { width: 2, keyLength: 1, sum: false, keyLabel: 'kept' },
  ])('sorts $width-word records by $keyLength key words through several runs, equal keys $keyLabel', ({ width, keyLength, sum }) => {
    const input = records(50_000, width, keyLength, 7 + width);
    const budget = new MemoryBudget(1 << 20);
    const sorter = new RecordSorter({ width, keyLength, sum, bytes: 1 << 18, vocabSize: VOCAB, budget, folder, name: 'test', signal: undefined });
    for (const record of input) {
      const s = sorter.slot();
      for (let k = 0; k < width; k++) sorter.buffer[s + k] = record[k]!;
    }
    const out = join(folder, 'out.bin');
    sorter.seal(out);
    expect(readdirSync(folder).filter((f) => f.includes('-run-')).length).toBeGreaterThan(3);
    const written = sorter.merge(3); // merged in batches of at most 3 runs
    const bytes = readFileSync(out);
    const words = [...new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)];
    const want = expected(input, keyLength, sum);
    expect(written * width).toBe(want.length);
    if (sum) expect(words).toEqual(want);
    else {
      // The merge orders equal keys by nothing in particular: compare keys in order, and the records as a multiset.
      const keysOf = (w: number[]) => w.filter((_, i) => i % width < keyLength);
      expect(keysOf(words)).toEqual(keysOf(want));
      const rows = (w: number[]) => Array.from({ length: w.length / width }, (_, i) => w.slice(i * width, (i + 1) * width).join(',')).sort();
      expect(rows(words)).toEqual(rows(want));
    }
    expect(budget.used).toBe(0);
    expect(readdirSync(folder)).toEqual(['out.bin']);
  });
});
