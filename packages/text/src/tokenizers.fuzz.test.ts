import { NlpkitError, type Token } from '@nlpkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_RUNS, FUZZ_SEED, anyUnits, isWellFormed, trickyText } from '../test/fuzz.js';
import { characterTokenize } from './characterTokenize.js';
import { MalformedTextError } from './errors.js';
import { regexTokenize } from './regexTokenize.js';
import { splitSentences } from './splitSentences.js';
import { treebankTokenize } from './treebankTokenize.js';
import { whitespaceTokenize } from './whitespaceTokenize.js';
import { wordSpans, wordTokenize } from './wordTokenize.js';

// Issue 13 fuzz suite: 10,000 seeded cases per tokenizer. Offsets always slice back to the token text, tokens are
// non-empty and in order without overlap; a string with a lone surrogate is a MalformedTextError, nothing else.

const TOKENIZERS: readonly (readonly [string, (text: string) => Token[]])[] = [
  ['wordTokenize', wordTokenize],
  ['whitespaceTokenize', whitespaceTokenize],
  ['regexTokenize', (t) => regexTokenize(t, /\p{L}+|\p{N}+|[^\s\p{L}\p{N}]/u)],
  ['regexTokenize gaps', (t) => regexTokenize(t, /[\s,]+/u, { gaps: true })],
  ['characterTokenize', characterTokenize],
  ['treebankTokenize', treebankTokenize],
  ['splitSentences', splitSentences],
  [
    'wordSpans',
    (t) => {
      const spans = wordSpans(t);
      return Array.from({ length: spans.length / 2 }, (_, i) => {
        const start = spans[2 * i] as number;
        const end = spans[2 * i + 1] as number;
        return { text: t.slice(start, end), start, end };
      });
    },
  ],
];

function checkOffsets(text: string, tokens: readonly Token[]): void {
  let last = 0;
  for (const t of tokens) {
    if (text.slice(t.start, t.end) !== t.text || t.start >= t.end || t.start < last || t.end > text.length) {
      throw new Error(`bad token ${JSON.stringify(t)} after offset ${last} in ${JSON.stringify(text)}`);
    }
    last = t.end;
  }
}

describe('tokenizers: issue 13 fuzz (10,000 cases each)', () => {
  for (const [name, tokenize] of TOKENIZERS) {
    it(`${name}: offsets slice back to the token text, in increasing order`, () => {
      fc.assert(
        fc.property(trickyText, (text) => {
          checkOffsets(text, tokenize(text));
        }),
        { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
      );
    });
  }

  it('every tokenizer: lone surrogates give a MalformedTextError, nothing else', () => {
    fc.assert(
      fc.property(anyUnits, (text) => {
        for (const [, tokenize] of TOKENIZERS) {
          try {
            checkOffsets(text, tokenize(text));
            expect(isWellFormed(text)).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(MalformedTextError);
            expect(e).toBeInstanceOf(NlpkitError);
          }
        }
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
  });
});
