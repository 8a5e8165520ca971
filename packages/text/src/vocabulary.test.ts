import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from './errors.js';
import { buildVocabulary, countTokens, vocabularyFromJSON } from './vocabulary.js';

const corpus = [
  ['le', 'chat', 'noir'],
  ['le', 'chien', 'noir'],
  ['un', 'chat', 'éveillé'],
];

describe('buildVocabulary', () => {
  it('puts specials first, then tokens by count with code-point tie-breaking', () => {
    const vocab = buildVocabulary(countTokens(corpus));
    expect(vocab.tokens).toEqual(['<pad>', '<unk>', '<s>', '</s>', 'chat', 'le', 'noir', 'chien', 'un', 'éveillé']);
    expect(vocab.count(vocab.id('le'))).toBe(2);
    expect(vocab.count(0)).toBe(0);
    // Insertion order must not matter.
    const reversed = new Map([...countTokens(corpus)].reverse());
    expect(buildVocabulary(reversed).tokens).toEqual(vocab.tokens);
  });

  it('applies minCount and maxSize (specials included in the size)', () => {
    const vocab = buildVocabulary(corpus, { minCount: 2, maxSize: 6 });
    expect(vocab.tokens).toEqual(['<pad>', '<unk>', '<s>', '</s>', 'chat', 'le']);
    expect(vocab.id('noir')).toBe(1);
  });

  it('encodes and decodes with sentence marks, unknowns and special skipping', () => {
    const vocab = buildVocabulary(corpus);
    const ids = vocab.encode(['le', 'chat', 'rose'], { bos: true, eos: true });
    expect(ids).toEqual([2, 5, 4, 1, 3]);
    expect(vocab.decode(ids)).toEqual(['<s>', 'le', 'chat', '<unk>', '</s>']);
    expect(vocab.decode([0, ...ids, 0], { skipSpecials: true })).toEqual(['le', 'chat']);
  });

  it('makes one-hot rows', () => {
    const vocab = buildVocabulary(corpus);
    const [row] = vocab.oneHot([4]);
    expect(row?.length).toBe(vocab.size);
    expect(Array.from(row ?? []).reduce((a, b) => a + b, 0)).toBe(1);
    expect(row?.[4]).toBe(1);
  });

  it('round-trips through JSON', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ maxLength: 3 }), { maxLength: 6 }), { maxLength: 6 }), (sentences) => {
        const vocab = buildVocabulary(sentences);
        const back = vocabularyFromJSON(JSON.stringify(vocab));
        expect(back.tokens).toEqual(vocab.tokens);
        for (const s of sentences) expect(back.encode(s)).toEqual(vocab.encode(s));
      }),
    );
  });

  it('can make unknown tokens an error', () => {
    const vocab = buildVocabulary(corpus, { specials: ['<pad>'], unknown: null });
    expect(vocab.unknownId).toBe(-1);
    expect(() => vocab.id('zzz')).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: @nlpkit/text: token "zzz" is not in the vocabulary and it has no unknown token]`,
    );
  });

  it('rejects bad arguments and malformed JSON', () => {
    expect(() => buildVocabulary(corpus, { minCount: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: @nlpkit/text: options.minCount must be an integer ≥ 1, got 0]`,
    );
    expect(() => buildVocabulary(corpus, { unknown: '<oov>' })).toThrow(RangeError);
    expect(() => buildVocabulary(corpus).token(99)).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: @nlpkit/text: id must be an integer from 0 to 9, got 99]`,
    );
    expect(() => vocabularyFromJSON('{"format":"other"}')).toThrow(FormatError);
    expect(() =>
      vocabularyFromJSON({ format: 'nlpkit-vocabulary', version: 1, tokens: ['a', 'a'], specials: [], unknown: null, counts: [1, 1] }),
    ).toThrow(FormatError);
  });
});
