import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBinaryModel, toBinaryModel } from './binaryModel.js';
import { NgramInputError } from './errors.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { evaluatePerplexity } from './evaluatePerplexity.js';
import type { LanguageModel } from './languageModel.js';

const words = ['a', 'b', 'c', 'd', 'e', 'UNK'];
const sentence = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 8 });

describe('evaluatePerplexity', () => {
  it('sums exactly what scoreSentence gives, for hash-indexed and binary trie models', () => {
    fc.assert(
      fc.property(
        fc.array(sentence, { minLength: 1, maxLength: 30 }),
        fc.array(fc.array(fc.constantFrom(...words, 'zz', '<unk>'), { maxLength: 8 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 5 }),
        (train, test, order) => {
          const { model } = estimateKneserNey(train, { order });
          for (const m of [model, loadBinaryModel(toBinaryModel(model))]) {
            let logProb = 0;
            let oov = 0;
            for (const s of test) {
              const scored = m.scoreSentence(s);
              for (const w of scored.words) logProb += w.logProb;
              oov += scored.words.filter((w) => w.oov || w.word === '<unk>').length;
            }
            const result = evaluatePerplexity(m, test);
            expect(result.logProb).toBe(logProb);
            expect(result.oov).toBe(oov);
            expect(result.tokens).toBe(test.reduce((n, s) => n + s.length + 1, 0));
            // The generic path (any LanguageModel) agrees to rounding of the sum.
            const generic: LanguageModel = { order: m.order, vocabulary: m.vocabulary, logProb: (w, c) => m.logProb(w, c) };
            const viaInterface = evaluatePerplexity(generic, test);
            expect(viaInterface.oov).toBe(result.oov);
            expect(viaInterface.logProb).toBeCloseTo(result.logProb, 9);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('names the sentence and token that is not a string', () => {
    const { model } = estimateKneserNey([['a', 'b']], { order: 2 });
    expect(() => evaluatePerplexity(model, [['a'], ['b', 3 as unknown as string]])).toThrowErrorMatchingInlineSnapshot(
      `[NgramInputError: @nlpkit/ngram: token 2 of sentence 2 must be a string, got 3]`,
    );
    expect(() => evaluatePerplexity(model, [])).toThrow(NgramInputError);
  });
});
