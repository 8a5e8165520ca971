import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedTextError } from './errors.js';
import { characterTokenize, isPlain } from './characterTokenize.js';

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
  // Plain characters (split without the segmenter) next to everything above.
  'Ж', '\u3000', '\u00a0', 'ü', '\uff01', '\u2014', '\u00a9',
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

  // The fast path splits between two plain (or ASCII) characters without the segmenter. For every plain code
  // point c, Intl.Segmenter must break around it next to ASCII, CR LF, itself and other plain characters: c is then
  // not Extend, ZWJ, SpacingMark or Prepend (they join 'a'), nor a jamo or a regional indicator (they join
  // themselves), so only rules that break apply to it.
  it('breaks around every plain character as Intl.Segmenter does (all of them)', () => {
    const others = ['é', 'Ж', '中', '가', '\u3000', '\uff01', '·'];
    let checked = 0;
    for (let code = 0x80; code <= 0xffff; code++) {
      if (!isPlain(code)) continue;
      const c = String.fromCharCode(code);
      const text = `a${c}a${c}${c}\r\n${c}\t${c}${others.join(c)}${c}`;
      const want = ['a', c, 'a', c, c, '\r\n', c, '\t', c, ...others.flatMap((o) => [o, c]).slice(0, -1), c];
      expect(whole(text), `U+${code.toString(16).toUpperCase().padStart(4, '0')}`).toEqual(want);
      expect(characterTokenize(text).map((t) => t.text)).toEqual(want);
      checked++;
    }
    expect(checked).toBeGreaterThan(33_000); // 20,992 CJK ideographs and 11,172 Hangul syllables among them
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
