import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedTextError } from './errors.js';
import { wordSpans, wordTokenize } from './wordTokenize.js';

const words = (s: string): string[] => wordTokenize(s).map((t) => t.text);

describe('wordTokenize', () => {
  it('keeps accented and non-Latin words whole', () => {
    expect(words('São Paulo, fußball, vélib, Ærø, Ελλάδα, Москва, 東京')).toEqual([
      'São', 'Paulo', ',', 'fußball', ',', 'vélib', ',', 'Ærø', ',', 'Ελλάδα', ',', 'Москва', ',', '東京',
    ]);
  });

  it('keeps decomposed letters (base + combining mark) together', () => {
    const s = 'e\u0301te\u0301 cafe\u0301';
    expect(words(s)).toEqual(['e\u0301te\u0301', 'cafe\u0301']);
  });

  it('keeps contractions, hyphenated words and numbers', () => {
    expect(words("Don't l'homme aujourd’hui term-end 3.14 1,000,000 4th mp3 -5")).toEqual([
      "Don't", "l'homme", 'aujourd’hui', 'term-end', '3.14', '1,000,000', '4th', 'mp3', '-', '5',
    ]);
  });

  it('keeps URLs and e-mail addresses, without trailing sentence punctuation', () => {
    expect(words('See https://example.com/a?b=1&c=d. Or www.exämple.org, mail jo.doe+x@mail.example.co.uk!')).toEqual([
      'See', 'https://example.com/a?b=1&c=d', '.', 'Or', 'www.exämple.org', ',', 'mail', 'jo.doe+x@mail.example.co.uk', '!',
    ]);
    expect(words('@user and a@b are not e-mails')).toEqual(['@', 'user', 'and', 'a', '@', 'b', 'are', 'not', 'e-mails']);
  });

  it('keeps emoji with modifiers, ZWJ sequences, flags and keycaps as single tokens', () => {
    expect(words('hi👋🏽 👩‍👩‍👧‍👦 🇫🇷🇯🇵 ❤️ 1️⃣ 😀😀')).toEqual(['hi', '👋🏽', '👩‍👩‍👧‍👦', '🇫🇷', '🇯🇵', '❤️', '1️⃣', '😀', '😀']);
  });

  it('splits punctuation, grouping runs of one character', () => {
    expect(words('Wait... what?! ``Yes,\'\' -- (ok)')).toEqual([
      'Wait', '...', 'what', '?', '!', '``', 'Yes', ',', "''", '--', '(', 'ok', ')',
    ]);
  });

  it('returns offsets into the original string', () => {
    expect(wordTokenize(' São 👍🏽!')).toEqual([
      { text: 'São', start: 1, end: 4 },
      { text: '👍🏽', start: 5, end: 9 },
      { text: '!', start: 9, end: 10 },
    ]);
  });

  it('covers every non-space character exactly once (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (s) => {
        const tokens = wordTokenize(s);
        let last = 0;
        let covered = '';
        for (const t of tokens) {
          expect(s.slice(t.start, t.end)).toBe(t.text);
          expect(t.start).toBeGreaterThanOrEqual(last);
          expect(t.end).toBeGreaterThan(t.start);
          expect(s.slice(last, t.start).trim()).toBe('');
          covered += t.text;
          last = t.end;
        }
        // eslint-disable-next-line no-control-regex -- U+001C..U+001F are whitespace to Python's str.isspace, and so to us
        expect(covered).toBe(s.replace(new RegExp('[\\t-\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]', 'gu'), ''));
      }),
      { numRuns: 500 },
    );
  });

  it('wordSpans gives the same offsets as wordTokenize, also past its initial capacity', () => {
    const long = 'a b c d e f g h i j '.repeat(300) + 'São 👍🏽!';
    for (const s of ['', '   ', 'one', long]) {
      const spans = Array.from(wordSpans(s));
      expect(spans).toEqual(wordTokenize(s).flatMap((t) => [t.start, t.end]));
    }
  });

  it('rejects non-strings and lone surrogates with typed errors', () => {
    expect(() => wordTokenize(undefined as unknown as string)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: text must be a string, got undefined]`,
    );
    expect(() => wordTokenize('ok \udc00')).toThrowErrorMatchingInlineSnapshot(
      `[MalformedTextError: @nlpkit/text: text must be well-formed Unicode, got a lone surrogate U+DC00 at index 3]`,
    );
    expect(() => wordTokenize('\ud83d')).toThrow(MalformedTextError);
  });

  it('issue 13: a URL with 100,000 inner dots is linear (the /[.,;:!?]+$/ trim retried at every dot: 40k took 1.7 s)', () => {
    const url = `http://a${'.'.repeat(100_000)}b`;
    const t0 = performance.now();
    expect(wordTokenize(`see ${url}.`)[1]).toEqual({ text: url, start: 4, end: 4 + url.length });
    expect(wordTokenize(`see http://a${'.'.repeat(100_000)}`)[1]).toEqual({ text: 'http://a', start: 4, end: 12 });
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
