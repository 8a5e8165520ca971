import { createRng } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { radixSortRecords } from './radixSortRecords.js';

/** Records of `width` words with keys below `vocab`, the last word a tag (their first position), for stability. */
function randomRecords(count: number, width: number, keyLength: number, vocab: number, seed: number): Uint32Array {
  const rng = createRng(seed);
  const records = new Uint32Array(count * width);
  for (let i = 0; i < count; i++) {
    // Few distinct keys, so that equal keys (and their order) are tested.
    for (let k = 0; k < keyLength; k++) records[i * width + k] = rng.int(2) === 0 ? rng.int(3) : rng.int(vocab);
    for (let k = keyLength; k < width; k++) records[i * width + k] = i;
  }
  return records;
}

function expected(records: Uint32Array, count: number, width: number, keyLength: number): number[][] {
  const rows = Array.from({ length: count }, (_, i) => Array.from(records.subarray(i * width, (i + 1) * width)));
  // Array.prototype.sort is stable: equal keys keep their order, as the radix sort must.
  return rows.sort((a, b) => {
    for (let k = 0; k < keyLength; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
    return 0;
  });
}

describe('radixSortRecords', () => {
  it.each([
    ['one pass per word (radix ≥ the vocabulary)', 5, 3, 1000, 1001],
    ['16-bit digits, two per word of a vocabulary above 65,536', 4, 3, 200_000, (1 << 16) + 1],
    ['8-bit digits', 3, 2, 70_000, 257],
  ])('sorts records by their key words, stably: %s', (_, width, keyLength, vocab, histogramLength) => {
    const count = 5000;
    const records = randomRecords(count, width, keyLength, vocab, width * 7 + keyLength);
    const want = expected(records, count, width, keyLength);
    // Room past `count` records stays untouched.
    const a = new Uint32Array(records.length + width).fill(0xdead, records.length);
    a.set(records);
    const b = new Uint32Array(a.length);
    const sorted = radixSortRecords(a, b, new Uint32Array(histogramLength), count, width, keyLength, vocab);
    expect(sorted === a || sorted === b).toBe(true);
    const got = Array.from({ length: count }, (_, i) => Array.from(sorted.subarray(i * width, (i + 1) * width)));
    expect(got).toEqual(want);
    expect(a[records.length]).toBe(0xdead);
  });
});
