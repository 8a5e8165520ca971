import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedTextError } from './errors.js';
import { characterTokenize } from './characterTokenize.js';

describe('characterTokenize', () => {
  it('returns grapheme clusters', () => {
    expect(characterTokenize('ne\u0301 🇫🇷👩‍👩‍👧').map((t) => t.text)).toEqual(['n', 'e\u0301', ' ', '🇫🇷', '👩‍👩‍👧']);
    expect(characterTokenize('a b', { skipWhitespace: true })).toEqual([
      { text: 'a', start: 0, end: 1 },
      { text: 'b', start: 2, end: 3 },
    ]);
  });

  it('covers the input exactly (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const tokens = characterTokenize(s);
        for (const t of tokens) expect(s.slice(t.start, t.end)).toBe(t.text);
        expect(tokens.map((t) => t.text).join('')).toBe(s);
      }),
    );
  });

  it('rejects lone surrogates', () => {
    expect(() => characterTokenize('\udfff')).toThrow(MalformedTextError);
  });
});
