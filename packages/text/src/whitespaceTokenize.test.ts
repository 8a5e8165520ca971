import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedTextError } from './errors.js';
import { whitespaceTokenize } from './whitespaceTokenize.js';

interface Golden {
  readonly rows: readonly { readonly input: string; readonly tokens: readonly [string, number, number][] }[];
}

const golden = JSON.parse(readFileSync(new URL('../test/fixtures/whitespace.json', import.meta.url), 'utf8')) as Golden;

describe('whitespaceTokenize', () => {
  it("matches Python's str.split() with offsets on the golden fixture", () => {
    for (const row of golden.rows) {
      expect(whitespaceTokenize(row.input).map((t) => [t.text, t.start, t.end])).toEqual(row.tokens);
    }
  });

  it('splits on Unicode whitespace only', () => {
    expect(whitespaceTokenize('  déjà\u00a0vu\u2003ok\n😀!  ')).toEqual([
      { text: 'déjà', start: 2, end: 6 },
      { text: 'vu', start: 7, end: 9 },
      { text: 'ok', start: 10, end: 12 },
      { text: '😀!', start: 13, end: 16 },
    ]);
    expect(whitespaceTokenize('')).toEqual([]);
  });

  it('agrees with a split on whitespace and slices back (property)', () => {
    // eslint-disable-next-line no-control-regex -- U+001C..U+001F are whitespace to Python's str.isspace, and so to us
    const separators = new RegExp('[\\t-\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+', 'u');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), (s) => {
        const tokens = whitespaceTokenize(s);
        for (const t of tokens) expect(s.slice(t.start, t.end)).toBe(t.text);
        expect(tokens.map((t) => t.text)).toEqual(s.split(separators).filter(Boolean));
      }),
    );
  });

  it('rejects non-strings and lone surrogates', () => {
    expect(() => whitespaceTokenize('\udfff')).toThrow(MalformedTextError);
    expect(() => whitespaceTokenize(['a'] as unknown as string)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: text must be a string, got an array of length 1]`,
    );
  });
});
