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

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** The reference: Intl.Segmenter over the whole string (quadratic, so only on short strings). */
const whole = (s: string): string[] => Array.from(segmenter.segment(s), (x) => x.segment);

/** Pieces that stress every grapheme rule: CR LF, controls, Extend, ZWJ, SpacingMark, Prepend, RI, Hangul, InCB. */
export const GRAPHEME_PIECES = [
  'a', ' ', '\r', '\n', '\r\n', '\t', '\u0000', 'é', 'e', '\u0301', '\u0308', '\u200d', '\u200c', '\ufe0f', '\u20e3',
  '👩', '👦', '🏽', '❤', '🇫', '🇷', '🇩', '🇪', '\u0600', '\u0d4e', '\u0903', '\u0915', '\u094d', '\u0937', '\u0e33',
  '\u1100', '\u1161', '\u11a8', '\uac00', '\uac01', '中', '#', '\u{1F3F4}', '\u{E0067}', '\u{E007F}', '\u0a03', 'ß',
  // Clusters longer than a segmenter window (256 code units).
  '\u0301'.repeat(300), '\u200d👩'.repeat(100), '🇫🇷'.repeat(80),
];

describe('characterTokenize: issue 13 item 3 (linear time)', () => {
  it('issue 13 item 3: segments 1 MB of mixed text in well under a second per MB (was: 150k chars took 162 s)', () => {
    const unit = '👩‍👩‍👧‍👦 déjà vu 🇫🇷\r\nñ\u0303 中文 ';
    const perUnit = whole(unit).length;
    const text = unit.repeat(Math.ceil(1_000_000 / unit.length));
    const t0 = performance.now();
    const tokens = characterTokenize(text);
    const elapsed = performance.now() - t0;
    expect(tokens.length).toBe(perUnit * (text.length / unit.length));
    expect(tokens[tokens.length - 1]?.end).toBe(text.length);
    expect(elapsed).toBeLessThan(5000);
  });

  it('issue 13 item 3: a million combining marks are one cluster, found in linear time', () => {
    const text = `x${'a\u0301'.repeat(10)}b${'\u0301'.repeat(1_000_000)}中${'\u0308'.repeat(1000)}`;
    const tokens = characterTokenize(text);
    expect(tokens.map((t) => t.end - t.start)).toEqual([1, ...Array<number>(10).fill(2), 1_000_001, 1001]);
  });

  it('equals whole-string segmentation around every window boundary (GraphemeBreakTest-like cases)', () => {
    const cases = [
      '\r\n', '👩‍👩‍👧‍👦', '🇫🇷🇩🇪', '🇫🇷🇩', 'e\u0301\u0308', '\u0915\u094d\u0937', '\u0600a', '\u1100\u1161\u11a8',
      '\uac00\u11a8', 'a\u0903', '👍🏽', '#\ufe0f\u20e3', '\u{1F3F4}\u{E0067}\u{E0062}\u{E007F}', '❤\ufe0f\u200d🔥', 'a\u200d👩',
      '\r\u0301', '\n\u0301', '\u0000\u0301', 'ß\u200c', '\u0e01\u0e33',
    ];
    for (const c of cases) {
      for (let pad = 248; pad <= 260; pad++) {
        const text = `${'é'.repeat(pad)}${c}${c}${'中'.repeat(300)}${c}`;
        expect(characterTokenize(text).map((t) => t.text)).toEqual(whole(text));
      }
    }
  });

  it('equals whole-string segmentation on random mixes of marks, ZWJ sequences, flags and CRLF (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...GRAPHEME_PIECES), { maxLength: 700 }), (pieces) => {
        const text = pieces.join('');
        expect(characterTokenize(text).map((t) => t.text)).toEqual(whole(text));
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});
