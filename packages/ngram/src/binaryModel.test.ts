import { createRng, evaluatePerplexity } from '@nlpkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesPerNgram, loadBinaryModel, toBinaryModel } from './binaryModel.js';
import { BinaryModelFormatError } from './errors.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { writeArpa } from './writeArpa.js';

const TRAIN = [
  ['the', 'cat', 'sat', 'on', 'the', 'mat'],
  ['the', 'dog', 'sat', 'on', 'the', 'log'],
  ['a', 'cat', 'ate', 'the', 'rat'],
  ['the', 'rat', 'ran'],
  ['a', 'dog', 'ran', 'to', 'the', 'cat'],
];

describe('binary model', () => {
  it('loads from an ArrayBuffer with exactly the same scores and ARPA text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), (order) => {
        const { model } = estimateKneserNey(TRAIN, { order });
        const bytes = toBinaryModel(model);
        const copy = bytes.slice().buffer; // a fresh ArrayBuffer, as fetch() would give
        const loaded = loadBinaryModel(copy);
        expect(loaded.counts).toEqual(model.counts);
        const test = [['the', 'cat', 'ran'], ['a', 'zebra', 'sat', 'on', 'the', 'log']];
        expect(evaluatePerplexity(loaded, test).log10Prob).toBe(evaluatePerplexity(model, test).log10Prob);
        // Same model, so the same ARPA text once both are written in the same n-gram order.
        expect(writeArpa(loaded).split('\n').sort()).toEqual(writeArpa(model).split('\n').sort());
      }),
      { numRuns: 4 },
    );
  });

  it('quantizes to 8 bits with small score changes and fewer bytes', () => {
    // Enough n-grams that the 256-entry codebooks are small next to the data (seeded, so reproducible).
    const rng = createRng(11);
    const random = (): number => rng.next();
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
    const corpus = Array.from({ length: 2000 }, () =>
      Array.from({ length: 3 + Math.floor(random() * 8) }, () => words[Math.floor(random() * random() * 60)]!),
    );
    const { model } = estimateKneserNey([...TRAIN, ...corpus], { order: 3 });
    const exact = toBinaryModel(model);
    const small = toBinaryModel(model, { quantize: 'q8' });
    expect(small.byteLength).toBeLessThan(exact.byteLength);
    expect(bytesPerNgram(small, model)).toBeLessThan(bytesPerNgram(exact, model));
    const loaded = loadBinaryModel(small);
    const test = [['the', 'cat', 'ran'], ['the', 'dog', 'sat', 'on', 'the', 'mat']];
    const a = evaluatePerplexity(model, test).perplexity;
    const b = evaluatePerplexity(loaded, test).perplexity;
    // 256 levels per order cost a few percent of perplexity on this tiny synthetic model (PTB: see the benchmark).
    expect(Math.abs(a - b) / a).toBeLessThan(0.1);
  });

  it('rejects bytes that are not a model', () => {
    expect(() => loadBinaryModel(new Uint8Array(16))).toThrowErrorMatchingInlineSnapshot(
      `[BinaryModelFormatError: @nlpkit/ngram: binary model: not an @nlpkit/ngram binary model (bad magic number)]`,
    );
    const bytes = toBinaryModel(estimateKneserNey(TRAIN, { order: 2 }).model);
    expect(() => loadBinaryModel(bytes.slice(0, bytes.length - 8))).toThrow(BinaryModelFormatError);
    expect(() => loadBinaryModel(new Uint8Array(3))).toThrow(BinaryModelFormatError);
  });
});
