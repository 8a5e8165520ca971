import { createRng, evaluatePerplexity } from '@nlpkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BINARY_CHECKSUM_START,
  binaryChecksum,
  binaryChecksumEnd,
  binaryChecksumUpdate,
  bytesPerNgram,
  loadBinaryModel,
  toBinaryModel,
} from './binaryModel.js';
import { BinaryModelFormatError, WrongFormatError } from './errors.js';
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

describe('binary model from untrusted bytes (issue 13)', () => {
  const model = estimateKneserNey(TRAIN, { order: 2 }).model;
  const original = toBinaryModel(model);
  const sizes = model.counts;
  /** Word offsets (in uint32 words) of the sections of `original`. */
  const header = 5 + 2;
  const vocabBytes = new Uint32Array(original.buffer, 0, original.length / 4)[header]!;
  const uniProbs = header + 1 + Math.ceil(vocabBytes / 4);
  const uniBackoffs = uniProbs + sizes[0]!;
  const biWords = uniBackoffs + sizes[0]!; // uint16 ids
  const biFirst = biWords + Math.ceil(sizes[1]! / 2);
  const biProbs = biFirst + sizes[0]! + 1;

  /** A copy of `original` with `edit` applied to its words and the checksum recomputed (so validation must catch it). */
  const edited = (edit: (words: Uint32Array, floats: Float32Array) => void): Uint8Array => {
    const bytes = original.slice();
    const words = new Uint32Array(bytes.buffer);
    edit(words, new Float32Array(bytes.buffer));
    words[4] = binaryChecksum(words);
    return bytes;
  };
  const message = (bytes: Uint8Array, verify = true): string => {
    try {
      loadBinaryModel(bytes, { verify });
    } catch (error) {
      expect(error).toBeInstanceOf(BinaryModelFormatError);
      return (error as Error).message.replace('@nlpkit/ngram: binary model: ', '');
    }
    return 'loaded';
  };

  it('issue 13: the layout the tests edit is the one written', () => {
    expect(biProbs + sizes[1]!).toBe(original.length / 4);
    expect(new Float32Array(original.buffer, biProbs * 4, sizes[1]!)).toEqual(new Float32Array(original.buffer).subarray(biProbs));
  });

  it('issue 13 item 9 (binary): every value and id is checked, even under a valid checksum', () => {
    expect(message(edited((_, f) => (f[uniProbs + 4] = 0.5)))).toBe('order 1 n-gram 4 has log10 probability 0.5: it must be ≤ 0');
    expect(message(edited((_, f) => (f[biProbs + 1] = Number.NaN)))).toBe('order 2 n-gram 1 has log10 probability NaN: it must be ≤ 0');
    expect(message(edited((_, f) => (f[uniBackoffs + 4] = Number.POSITIVE_INFINITY)))).toBe('order 1 n-gram 4 has backoff Infinity: it must be a number below +∞');
    expect(message(edited((_, f) => (f[uniBackoffs + 3] = Number.NaN)))).toBe('order 1 n-gram 3 has backoff NaN: it must be a number below +∞');
    expect(message(edited((w) => (w[biWords] = (w[biWords]! & 0xffff0000) | 60000)))).toMatch(/^order 2 n-gram 0 has word id 60000, beyond the vocabulary/);
    expect(message(edited((w) => (w[biFirst + 2] = 1000)))).toMatch(/^order 2 offset/);
    expect(message(edited((w) => (w[header - 1] = 1 << 30)))).toMatch(/^truncated: needed/);
    expect(message(edited((w) => (w[header - 2] = 1 << 30)))).toBe(`vocabulary has ${sizes[0]} words, header says 1073741824`);
    expect(message(edited((w) => (w[3] = 7)))).toBe('unknown flags 7 (expected 0, or 1 for q8)');
    // -Infinity is allowed (SRILM's -inf, an MLE model's unseen contexts), as in ARPA files.
    expect(message(edited((_, f) => (f[biProbs] = Number.NEGATIVE_INFINITY)))).toBe('loaded');
    expect(message(edited((_, f) => (f[uniBackoffs + 4] = Number.NEGATIVE_INFINITY)))).toBe('loaded');
  });

  it('issue 11/13: a checksum catches any damaged byte; verify: false loads valid-looking damage; version 1 files still load', () => {
    const damaged = original.slice();
    damaged[biProbs * 4 + 1]! ^= 0x40;
    expect(message(damaged)).toMatch(/^checksum mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\): the bytes are damaged or truncated \(pass \{ verify: false \} to load them anyway\)$/);
    expect(message(damaged, false)).toBe('loaded');
    expect(message(Uint8Array.from([...original, 0, 0, 0, 0]), false)).toBe('4 bytes follow the end of the model');
    expect(message(original.subarray(0, original.length - 4), false)).toMatch(/^truncated/);
    // Version 1: no checksum word.
    const words = Array.from(new Uint32Array(original.buffer));
    words.splice(4, 1);
    words[1] = 1;
    const v1 = loadBinaryModel(Uint32Array.from(words).buffer);
    expect(evaluatePerplexity(v1, TRAIN).log10Prob).toBe(evaluatePerplexity(model, TRAIN).log10Prob);
    // An unaligned view is copied, not refused.
    const shifted = new Uint8Array(original.length + 1);
    shifted.set(original, 1);
    expect(evaluatePerplexity(loadBinaryModel(shifted.subarray(1)), TRAIN).log10Prob).toBe(evaluatePerplexity(model, TRAIN).log10Prob);
    // So is an unaligned Node Buffer, whose slice() is a view (was a RangeError from the Uint32Array view).
    const buffer = Buffer.concat([Buffer.alloc(1), Buffer.from(original)]).subarray(1);
    expect(evaluatePerplexity(loadBinaryModel(buffer), TRAIN).log10Prob).toBe(evaluatePerplexity(model, TRAIN).log10Prob);
  });

  it('issue 13 item 9 (binary): ARPA text, gzip data and KenLM binaries are named (ERR_WRONG_FORMAT)', () => {
    const formatOf = (bytes: Uint8Array): string => {
      try {
        loadBinaryModel(bytes);
      } catch (error) {
        return error instanceof WrongFormatError ? `${error.code} ${error.format}` : (error as Error).message;
      }
      return 'loaded';
    };
    expect(formatOf(new TextEncoder().encode(writeArpa(model)))).toBe('ERR_WRONG_FORMAT arpa');
    expect(formatOf(Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0))).toBe('ERR_WRONG_FORMAT gzip');
    expect(formatOf(new TextEncoder().encode('mmap lm http://kheafield.com/code format version 5\0\0\0\0'))).toBe('ERR_WRONG_FORMAT kenlm-binary');
    expect(() => loadBinaryModel('bytes' as unknown as Uint8Array)).toThrow(/input must be an ArrayBuffer or a Uint8Array/);
  });
});

describe('binaryChecksum in pieces (the out-of-core writer streams the file)', () => {
  it('gives the checksum of the whole, wherever the file is cut', () => {
    const bytes = toBinaryModel(estimateKneserNey(TRAIN, { order: 3 }).model);
    const words = new Uint32Array(bytes.buffer);
    for (const cuts of [[], [1], [4, 5], [3, 7, 20], [words.length - 1]]) {
      let h = BINARY_CHECKSUM_START;
      let from = 0;
      for (const to of [...cuts, words.length]) {
        h = binaryChecksumUpdate(h, words.subarray(from, to), from);
        from = to;
      }
      expect(binaryChecksumEnd(h, words.length)).toBe(binaryChecksum(words));
      expect(binaryChecksumEnd(h, words.length)).toBe(words[4]);
    }
  });
});
