import { NlpkitError } from '@nlpkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_RUNS, FUZZ_SEED, anyUnits, isWellFormed, trickyText } from '../test/fuzz.js';
import { bpeTokenizer, trainBpe } from './bpe.js';
import { MalformedTextError } from './errors.js';

// Issue 13 fuzz suite for BPE: 10,000 seeded cases per property.

const bpe = bpeTokenizer(
  trainBpe(['low lower lowest newer newest', 'São Paulo café naïve', 'a\u0301a\u0301 👩‍👩‍👧‍👦 🇫🇷🇫🇷 \uFEFF\uFEFF 1,000.5'], {
    vocabSize: 420,
    minFrequency: 1,
  }),
);

describe('bpeTokenizer: issue 13 fuzz (10,000 cases each)', () => {
  it('decode(encode(s)) = s for well-formed strings, byte-order marks included', () => {
    const withBom = fc.tuple(trickyText, fc.nat(3), trickyText).map(([a, n, b]) => a + '\uFEFF'.repeat(n) + b);
    fc.assert(
      fc.property(fc.oneof(trickyText, withBom, fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => isWellFormed(s))), (s) => {
        expect(bpe.decode(bpe.encode(s))).toBe(s);
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
  });

  it('a lone surrogate is rejected with a MalformedTextError', () => {
    fc.assert(
      fc.property(anyUnits, (s) => {
        if (isWellFormed(s)) expect(bpe.decode(bpe.encode(s))).toBe(s);
        else expect(() => bpe.encode(s)).toThrow(MalformedTextError);
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
  });

  it('decode of arbitrary id lists returns a string or throws an NlpkitError', () => {
    const size = bpe.model.vocab.length;
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: size - 1 }), fc.integer({ min: -2, max: size + 2 }), fc.double()), { maxLength: 12 }), (ids) => {
        try {
          expect(typeof bpe.decode(ids)).toBe('string');
        } catch (e) {
          expect(e).toBeInstanceOf(NlpkitError);
        }
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
  });
});
