import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError, InvalidArgumentError } from '@nlpkit/core';
import { bpeTokenizer, trainBpe } from './bpe.js';

const corpus = ['low lower lowest', 'new newer newest', 'wider widest', 'São Paulo, São Tomé', 'naïve café'];

describe('trainBpe', () => {
  it('learns the most frequent pairs first, breaking ties by code point', () => {
    const model = trainBpe(['aaab aab ab'], { vocabSize: 256 + 4 + 2, minFrequency: 1 });
    // Pieces: 'aaab', ' aab', ' ab'. Alphabet by frequency: a (6), b (3), ' ' (2).
    // Round 1: aa = 3, ab = 3, ' a' = 2; the tie goes to ['a', 'a'], which sorts before ['a', 'b'].
    // Round 2: pieces are [aa a b] [' ' aa b] [' ' a b]; a+b = 2 wins.
    // Round 3: every pair occurs once; [' ', 'aa'] sorts first.
    expect(model.vocab.slice(256)).toEqual(['a', 'b', ' ', 'aa', 'ab', ' aa']);
    expect(model.merges).toEqual([['a', 'a'], ['a', 'b'], [' ', 'aa']]);
  });

  it('is deterministic and independent of text order', () => {
    const a = trainBpe(corpus, { vocabSize: 300 });
    const b = trainBpe([...corpus].reverse(), { vocabSize: 300 });
    expect(b).toEqual(a);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('encodes frequent words compactly and unseen characters as bytes', () => {
    const model = trainBpe(corpus, { vocabSize: 320 });
    // Training stops early (293 < 320): no pair is left that occurs twice.
    expect(model.vocab.length).toBe(293);
    const bpe = bpeTokenizer(model);
    expect(bpe.tokenize('lowest')).toEqual(['lo', 'we', 'st']);
    expect(bpe.tokenize(' newest')).toEqual([' newe', 'st']);
    expect(bpe.tokenize('São')).toEqual(['São']);
    expect(bpe.tokenize('€')).toEqual(['<0xE2>', '<0x82>', '<0xAC>']);
    expect(bpe.decode(bpe.encode('lowest €'))).toBe('lowest €');
  });

  it('round-trips any well-formed text: decode(encode(x)) === x (property)', () => {
    const bpe = bpeTokenizer(JSON.stringify(trainBpe(corpus, { vocabSize: 300 })));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        expect(bpe.decode(bpe.encode(s))).toBe(s);
        expect(bpe.tokenize(s).join('').length).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects bad options and models', () => {
    expect(() => trainBpe(corpus, { vocabSize: 10 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: options.vocabSize must be an integer ≥ 256, got 10]`,
    );
    expect(() => trainBpe(['ok', 5 as unknown as string])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: texts[1] must be a string, got 5]`,
    );
    expect(() => bpeTokenizer('{"format":"x"}')).toThrow(FormatError);
    expect(() => bpeTokenizer(trainBpe(corpus)).decode([99999])).toThrow(InvalidArgumentError);
  });
});

describe('bpeTokenizer: issue 13 item 8 (stack and BOM)', () => {
  const bpe = bpeTokenizer(trainBpe([...corpus, 'a\u0301a\u0301 👩‍👩‍👧‍👦👩‍👩‍👧‍👦 ...'], { vocabSize: 400 }));

  it("issue 13 item 8: encodes '👩‍👩‍👧‍👦'.repeat(909091) without overflowing the stack (was: RangeError)", () => {
    const text = '👩‍👩‍👧‍👦'.repeat(909_091);
    const ids = bpe.encode(text);
    expect(bpe.decode(ids)).toBe(text);
  });

  it("issue 13 item 8: encodes 'a' + '\\u0301'.repeat(9999999) without overflowing the stack (was: RangeError)", () => {
    const text = `a${'\u0301'.repeat(9_999_999)}`;
    const ids = bpe.encode(text);
    expect(ids.length).toBeGreaterThan(1);
    expect(bpe.decode(ids)).toBe(text);
  });

  it("issue 13 item 8: decode(encode('a\\uFEFF')) is 'a\\uFEFF': a BOM anywhere in the input is kept (was: 'a')", () => {
    for (const text of ['a\uFEFF', '\uFEFF', '\uFEFFa', 'a\uFEFFb', '\uFEFF\uFEFF lowest \uFEFF']) {
      expect(bpe.decode(bpe.encode(text))).toBe(text);
    }
    // A BOM made of byte tokens after a non-byte token, and alone.
    expect(bpe.decode([...bpe.encode('low'), 0xef, 0xbb, 0xbf])).toBe('low\uFEFF');
    expect(bpe.decode([0xef, 0xbb, 0xbf])).toBe('\uFEFF');
  });

  it('tokenize and encode agree, and byte tokens are named after their byte', () => {
    const text = 'lowest € \uFEFF 👩‍👩‍👧‍👦';
    expect(bpe.tokenize(text)).toEqual(bpe.encode(text).map((id) => (id < 256 ? `<0x${id.toString(16).toUpperCase().padStart(2, '0')}>` : bpe.model.vocab[id])));
  });

  it('rejects models whose vocab or merges hold something else than strings (FormatError)', () => {
    const model = trainBpe(corpus, { vocabSize: 300 });
    expect(() => bpeTokenizer({ ...model, vocab: [...model.vocab, 5 as unknown as string] })).toThrow(FormatError);
    expect(() => bpeTokenizer({ ...model, merges: [['a'] as unknown as [string, string]] })).toThrow(FormatError);
    expect(() => bpeTokenizer({ ...model, merges: [['', 'a']] })).toThrow(FormatError);
  });
});
