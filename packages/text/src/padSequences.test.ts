import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batch, batchAsync, padSequences } from './padSequences.js';

describe('padSequences', () => {
  it('pads to the longest with mask and lengths', () => {
    expect(padSequences([[5, 6, 7], [8], []])).toEqual({
      ids: [[5, 6, 7], [8, 0, 0], [0, 0, 0]],
      mask: [[1, 1, 1], [1, 0, 0], [0, 0, 0]],
      lengths: [3, 1, 0],
    });
  });

  it('pads at the start, truncates either side, and honours a fixed length', () => {
    expect(padSequences([[1, 2, 3, 4], [5]], { maxLength: 3, truncation: 'start', padding: 'start', padId: 9 })).toEqual({
      ids: [[2, 3, 4], [9, 9, 5]],
      mask: [[1, 1, 1], [0, 0, 1]],
      lengths: [3, 1],
    });
    expect(padSequences([[1, 2, 3]], { length: 2 }).ids).toEqual([[1, 2]]);
  });

  it('is rectangular and keeps a prefix of every sequence (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(50), { maxLength: 8 }), { maxLength: 6 }), fc.option(fc.nat(6), { nil: undefined }), (seqs, maxLength) => {
        const { ids, mask, lengths } = padSequences(seqs, { maxLength, padId: -1 });
        const width = ids[0]?.length ?? 0;
        ids.forEach((row, i) => {
          expect(row.length).toBe(width);
          expect(mask[i]?.reduce((a, b) => a + b, 0)).toBe(lengths[i]);
          expect(row.slice(0, lengths[i])).toEqual(seqs[i]?.slice(0, lengths[i]));
        });
      }),
    );
  });

  it('rejects bad options', () => {
    expect(() => padSequences([[1]], { maxLength: -1 })).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: @nlpkit/text: options.maxLength must be an integer ≥ 0, got -1]`,
    );
    expect(() => padSequences([[1]], { padding: 'left' as 'start' })).toThrow(RangeError);
    expect(() => padSequences('x' as unknown as number[][])).toThrow(TypeError);
  });
});

describe('batch', () => {
  it('groups sync and async iterables', async () => {
    expect([...batch([1, 2, 3, 4, 5], 2)]).toEqual([[1, 2], [3, 4], [5]]);
    async function* gen(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      yield 3;
    }
    const out: number[][] = [];
    for await (const b of batchAsync(gen(), 2)) out.push(b);
    expect(out).toEqual([[1, 2], [3]]);
    expect(() => [...batch([1], 0)]).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: @nlpkit/text: size must be an integer ≥ 1, got 0]`,
    );
  });
});
