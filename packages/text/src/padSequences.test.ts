import fc from 'fast-check';
import { InvalidArgumentError, PAD_ID, UnknownNameError, buildVocabulary } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { padSequences } from './padSequences.js';
import { wordTokenize } from './wordTokenize.js';

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

  it("pads with core's <pad> id by default, from tokens encoded by a core vocabulary", () => {
    const sentences = ['the cat sat', 'a cat'].map((s) => wordTokenize(s));
    const vocab = buildVocabulary(sentences);
    const { ids, lengths } = padSequences(sentences.map((s) => vocab.encode(s)));
    expect(PAD_ID).toBe(0);
    expect(lengths).toEqual([3, 2]);
    expect(ids[1]?.[2]).toBe(PAD_ID);
    expect(vocab.decode(ids[1] ?? [], { skipSpecials: true })).toEqual(['a', 'cat']);
  });

  it('rejects bad options', () => {
    expect(() => padSequences([[1]], { maxLength: -1 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: options.maxLength must be an integer ≥ 0, got -1]`,
    );
    expect(() => padSequences([[1]], { padding: 'left' as 'start' })).toThrow(UnknownNameError);
    expect(() => padSequences([[1]], { pad: 1 } as object)).toThrow(InvalidArgumentError);
    expect(() => padSequences('x' as unknown as number[][])).toThrow(InvalidArgumentError);
  });
});
