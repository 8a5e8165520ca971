import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BPE_PIECES, GPT2_PIECES, splitPieces } from './splitPieces.js';

// The expressions the scanners replace (fine on short strings; they overflow V8's regex stack on long runs).
const BPE_RE = / ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+|\s+(?!\S)|\s+/gu;
const GPT2_RE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const pieceText = fc
  .array(fc.constantFrom('a', 'é', 'e\u0301', '\u0301', '1', '٣', ' ', '  ', '\t', '\n', '\u3000', '\uFEFF', "'", "'s", "'ll", '!', '€', '👩‍👩‍👧‍👦', '🇫🇷', '中', 'x'), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe('splitPieces', () => {
  it('gives exactly the pieces of the BPE and GPT-2 expressions (property)', () => {
    fc.assert(
      fc.property(fc.oneof(pieceText, fc.string({ unit: 'grapheme', maxLength: 30 })), (s) => {
        expect(splitPieces(s, BPE_PIECES)).toEqual(s.match(BPE_RE) ?? []);
        expect(splitPieces(s, GPT2_PIECES)).toEqual(s.match(GPT2_RE) ?? []);
      }),
      { numRuns: 3000, seed: 13 },
    );
  });

  it('splits runs longer than one matching step (4096) into no more pieces than the expressions', () => {
    const s = ` ${'é'.repeat(10_000)}${'٣'.repeat(5000)}  ${'!'.repeat(9000)}\u3000\u3000`;
    expect(splitPieces(s, BPE_PIECES)).toEqual(s.match(BPE_RE));
    expect(splitPieces(s, GPT2_PIECES)).toEqual(s.match(GPT2_RE));
  });

  it('issue 13 item 8: scans a run of ten million marks where the expression overflows the stack', () => {
    const s = `a${'\u0301'.repeat(9_999_999)}`;
    expect(() => s.match(BPE_RE)).toThrow(RangeError);
    expect(splitPieces(s, BPE_PIECES)).toEqual([s]);
  });
});
