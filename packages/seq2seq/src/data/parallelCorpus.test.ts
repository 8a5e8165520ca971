import { BOS_ID, EmptyInputError, EOS_ID, LengthMismatchError, UNK_ID } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { buildSeq2seqVocabularies, encodeParallel, encodeSourceSentence, parseParallelText } from './parallelCorpus.js';
import { seq2seqBatch } from './seq2seqBatch.js';

describe('parallel corpus', () => {
  it('reads line-aligned text, builds two vocabularies, encodes with </s> on the source and <unk> for unknown tokens', () => {
    const corpus = parseParallelText('ein hund\r\nein  hund läuft\n', 'a dog\na dog runs\n');
    expect(corpus.source).toEqual([['ein', 'hund'], ['ein', 'hund', 'läuft']]);
    const v = buildSeq2seqVocabularies(corpus, { minCount: 2 });
    expect(v.source.tokens.slice(4)).toEqual(['ein', 'hund']);
    expect(v.target.tokens.slice(4)).toEqual(['a', 'dog']);
    const pairs = encodeParallel(corpus, v);
    expect(pairs[1]).toEqual({ source: [4, 5, UNK_ID, EOS_ID], target: [4, 5, UNK_ID] });
    expect(encodeParallel(corpus, v, { maxLength: 2 })).toHaveLength(1);
    expect(encodeSourceSentence(v.source, ['katze'])).toEqual([UNK_ID, EOS_ID]);
    const batch = seq2seqBatch(pairs);
    expect(Array.from(batch.targetInputs)).toEqual([BOS_ID, 4, 5, 0, BOS_ID, 4, 5, UNK_ID]);
    expect(Array.from(batch.targetOutputs)).toEqual([4, 5, EOS_ID, 0, 4, 5, UNK_ID, EOS_ID]);
    expect(batch.tokens).toBe(7);
  });

  it('refuses misaligned files, empty source lines and empty sentences', () => {
    expect(() => parseParallelText('a\nb\n', 'x\n')).toThrow(LengthMismatchError);
    expect(() => parseParallelText('a\n \n', 'x\ny\n')).toThrowErrorMatchingInlineSnapshot(`[EmptyInputError: @nlpkit/seq2seq: sourceText line 2 must hold at least one token, got nothing]`);
    expect(() => parseParallelText('', '')).toThrow(EmptyInputError);
    expect(() => encodeSourceSentence(buildSeq2seqVocabularies({ source: [['a']], target: [['b']] }).source, [])).toThrow(EmptyInputError);
    expect(() => encodeParallel({ source: [['a']], target: [] }, buildSeq2seqVocabularies({ source: [['a']], target: [['b']] }))).toThrow(LengthMismatchError);
  });
});
