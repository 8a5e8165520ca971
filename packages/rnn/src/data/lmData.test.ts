import { BOS_ID, EmptyInputError, EOS_ID, PAD_ID, UNK_ID, vocabularyFromTokens } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { RnnOptionError, RnnShapeError } from '../errors.js';
import { batchifyLmStream } from './batchifyLmStream.js';
import { bpttSegment, bpttSegmentCount } from './bpttSegment.js';
import { lmStream, lmStreamFromIds } from './lmStream.js';

const vocabulary = vocabularyFromTokens(['a', 'b', 'c']); // a=4 b=5 c=6

describe('LM data pipeline', () => {
  it('lmStream: each line then </s>; inputs shifted right with <s> first and </s> read as <s>; OOV counted', async () => {
    const s = lmStream([['a', 'b'], [], ['c', 'zz']], vocabulary);
    expect(Array.from(s.targets)).toEqual([4, 5, EOS_ID, EOS_ID, 6, UNK_ID, EOS_ID]);
    expect(Array.from(s.inputs)).toEqual([BOS_ID, 4, 5, BOS_ID, BOS_ID, 6, UNK_ID]);
    expect(s).toMatchObject({ lines: 3, oov: 1 });
    // Same counting as ngram eval / evaluatePerplexity: every word and one </s> per line.
    expect(s.targets.length).toBe(4 + 3);
    async function* lines() {
      yield ['a', 'b'];
      yield [];
      yield ['c', 'zz'];
    }
    const a = await lmStream(lines(), vocabulary);
    expect(Array.from(a.targets)).toEqual(Array.from(s.targets));
  });

  it('batchifyLmStream lays rows out as contiguous slices (PyTorch batchify), dropping or padding the remainder', () => {
    const s = lmStreamFromIds([4, 5, 6, 3, 4, 5, 3, 6, 6, 3, 5], 7); // 11 ids
    const drop = batchifyLmStream(s, 3);
    expect(drop).toMatchObject({ batchSize: 3, columns: 3, tokens: 9 });
    expect(Array.from(drop.targets)).toEqual([4, 5, 6, 3, 4, 5, 3, 6, 6]);
    expect(Array.from(drop.inputs)).toEqual([BOS_ID, 4, 5, 6, BOS_ID, 4, 5, BOS_ID, 6]);
    const pad = batchifyLmStream(s, 3, { remainder: 'pad' });
    expect(pad).toMatchObject({ columns: 4, tokens: 11 });
    expect(Array.from(pad.lengths)).toEqual([4, 4, 3]);
    expect(Array.from(pad.targets)).toEqual([4, 5, 6, 3, 4, 5, 3, 6, 6, 3, 5, PAD_ID]);
  });

  it('bpttSegment cuts columns into segments (the last one shorter) and marks rows that end inside one', () => {
    const s = lmStreamFromIds(Array.from({ length: 22 }, (_, i) => 4 + (i % 3)), 7);
    const b = batchifyLmStream(s, 2); // columns 11
    expect(bpttSegmentCount(b, 4)).toBe(3);
    const first = bpttSegment(b, 0, 4);
    expect(first).toMatchObject({ index: 0, start: 0, steps: 4, batchSize: 2, tokens: 8 });
    expect(first.lengths).toBeUndefined();
    expect(Array.from(first.targets)).toEqual([...Array.from(b.targets.subarray(0, 4)), ...Array.from(b.targets.subarray(11, 15))]);
    const last = bpttSegment(b, 2, 4);
    expect(last).toMatchObject({ start: 8, steps: 3, tokens: 6 });
    // Consecutive segments continue each row: inputs of segment k+1 start with targets of segment k's last column.
    expect(bpttSegment(b, 1, 4).inputs[0]).toBe(first.targets[3]);
    const padded = batchifyLmStream(lmStreamFromIds([4, 5, 6, 4, 5], 7), 2, { remainder: 'pad' }); // columns 3: rows 3 and 2
    expect(bpttSegment(padded, 0, 2).lengths).toBeUndefined();
    expect(bpttSegment(padded, 1, 2)).toMatchObject({ steps: 1, tokens: 1, lengths: [1, 0] });
  });

  it('bad input: typed errors naming the argument', () => {
    expect(() => lmStream([], vocabulary)).toThrow(EmptyInputError);
    expect(() => lmStreamFromIds([4, 9], 7)).toThrow(RnnShapeError);
    expect(() => lmStreamFromIds([4, 9], 7)).toThrow('targets[1] must be a token id from 0 to 6 (config.vocabSize 7), got 9');
    expect(() => lmStream([['a']], {} as never)).toThrow(RnnOptionError);
    expect(() => batchifyLmStream(lmStreamFromIds([4, 3], 7), 3)).toThrow(EmptyInputError);
    expect(() => batchifyLmStream(lmStreamFromIds([4, 3], 7), 1, { remainder: 'cut' as never })).toThrow(RnnOptionError);
    expect(() => bpttSegment(batchifyLmStream(lmStreamFromIds([4, 3], 7), 1), 2, 1)).toThrow(RnnOptionError);
  });
});
