import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedTextError } from './errors.js';
import { regexTokenize } from './regexTokenize.js';

describe('regexTokenize', () => {
  it('matches tokens or gaps, honouring flags', () => {
    expect(regexTokenize('Ça coûte 3€, ou 4€.', /\p{L}+|\d+/u).map((t) => t.text)).toEqual(['Ça', 'coûte', '3', 'ou', '4']);
    expect(regexTokenize('a, b,c', /,\s?/u, { gaps: true })).toEqual([
      { text: 'a', start: 0, end: 1 },
      { text: 'b', start: 3, end: 4 },
      { text: 'c', start: 5, end: 6 },
    ]);
    expect(regexTokenize('AbC', /[a-z]/i).map((t) => t.text)).toEqual(['A', 'b', 'C']);
  });

  it('skips empty matches without looping and does not mutate the pattern', () => {
    const re = /\d*/y;
    expect(regexTokenize('a12b3', re).map((t) => t.text)).toEqual(['12', '3']);
    expect(re.lastIndex).toBe(0);
    expect(regexTokenize('😀😀', /(?:)/u, { gaps: true }).map((t) => t.text)).toEqual(['😀', '😀']);
  });

  it('slices back to each token (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), fc.boolean(), (s, gaps) => {
        for (const t of regexTokenize(s, /[\p{L}\p{N}]+|\s+/u, { gaps })) expect(s.slice(t.start, t.end)).toBe(t.text);
      }),
    );
  });

  it('rejects a non-RegExp pattern and malformed text', () => {
    expect(() => regexTokenize('a', 'a' as unknown as RegExp)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: pattern must be a RegExp, got "a"]`,
    );
    expect(() => regexTokenize('\udfff', /./u)).toThrow(MalformedTextError);
  });

  it('issue 13: a pattern that overflows the regex stack on a huge run is an UnsupportedError (ERR_REGEX_STACK), not a RangeError', () => {
    const text = `a${'\u3000'.repeat(10_000_000)}b`;
    expect(() => regexTokenize(text, /\s+/u, { gaps: true })).toThrow(expect.objectContaining({ code: 'ERR_REGEX_STACK', argument: 'pattern' }));
    expect(regexTokenize(text, /\s{1,4096}/u, { gaps: true }).map((t) => t.text)).toEqual(['a', 'b']);
  });
});
