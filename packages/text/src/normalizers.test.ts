import { InvalidArgumentError } from '@nlpkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedTextError } from './errors.js';
import {
  collapseWhitespace,
  expandAbbreviations,
  lowercase,
  nfc,
  nfkc,
  normalizeNumbers,
  removePunctuation,
  stripAccents,
} from './normalizers.js';

const text = fc.string({ unit: 'grapheme', maxLength: 60 });

describe('normalizers', () => {
  it('compose and decompose Unicode', () => {
    expect(nfc('e\u0301')).toBe('é');
    expect(nfkc('ﬁ Ａ ²')).toBe('fi A 2');
  });

  it('lowercase, with locale rules on request', () => {
    expect(lowercase('ÇA VA, SØREN')).toBe('ça va, søren');
    expect(lowercase('İSTANBUL', 'tr')).toBe('istanbul');
    expect(lowercase('I', 'tr')).toBe('ı');
  });

  it('strips accents but keeps letters that are not base + mark', () => {
    expect(stripAccents('Crème Brûlée à São Paulo; Ærøskøbing, Łódź, straße')).toBe(
      'Creme Brulee a Sao Paulo; Ærøskøbing, Łodz, straße',
    );
    expect(stripAccents('e\u0301')).toBe('e');
  });

  it('removes punctuation (and optionally symbols)', () => {
    expect(removePunctuation('«Bonjour», dit-il… $5!')).toBe(' Bonjour  dit il  $5 ');
    expect(removePunctuation('a+b=c 😀.', { symbols: true, replacement: '' })).toBe('abc ');
  });

  it('normalizes standalone numbers to N, PTB style', () => {
    expect(normalizeNumbers('In 1987, 3.5% of 1,000 users (-7 net) had mp3s; ٣٤ too.')).toBe(
      'In N, N% of N users (N net) had mp3s; N too.',
    );
  });

  it('collapses whitespace', () => {
    expect(collapseWhitespace('  a \t b\n\n c\u00a0\u2003d  ')).toBe('a b c d');
  });

  it('expands abbreviations from a user table, whole words only, longest first', () => {
    const expand = expandAbbreviations({ 'e.g.': 'for example', "can't": 'cannot', Dr: 'Doctor', 'Dr.': 'Doctor' });
    expect(expand("Dr. Who can't, e.g. today; Drive")).toBe('Doctor Who cannot, for example today; Drive');
    const ci = expandAbbreviations(new Map([['asap', 'as soon as possible']]), { ignoreCase: true });
    expect(ci('ASAP please')).toBe('as soon as possible please');
    expect(expandAbbreviations({})('unchanged')).toBe('unchanged');
    expect(() => expandAbbreviations({ a: 1 as unknown as string })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: table must be a map from non-empty strings to strings, got an entry "a" → 1]`,
    );
  });

  it('are idempotent, and NFC round-trips through NFD (property)', () => {
    fc.assert(
      fc.property(text, (s) => {
        for (const f of [nfc, nfkc, lowercase, stripAccents, removePunctuation, normalizeNumbers, collapseWhitespace]) {
          const once = f(s);
          expect(f(once)).toBe(once);
        }
        expect(nfc(s.normalize('NFD'))).toBe(nfc(s));
        expect(nfc(nfkc(s))).toBe(nfkc(s));
      }),
      { numRuns: 300 },
    );
  });

  it('reject non-strings and lone surrogates', () => {
    for (const f of [nfc, nfkc, stripAccents, collapseWhitespace]) {
      expect(() => f('\ud800')).toThrow(MalformedTextError);
      expect(() => f(1 as unknown as string)).toThrow(InvalidArgumentError);
    }
    expect(() => lowercase(null as unknown as string)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: text must be a string, got null]`,
    );
  });
});

describe('normalizers: issue 13 (long runs, linear time)', () => {
  const NUMBER = /(?<![\p{L}\p{N}])[+-]?\p{N}+(?:[.,]\p{N}+)*(?![\p{L}\p{N}])/gu;

  it('normalizeNumbers equals its defining expression (property)', () => {
    const text = fc
      .array(fc.constantFrom('1', '٣', '12', '.', ',', '-', '+', 'a', 'é', ' ', '4th', '3.14', '1,000', '𝟙', '½', 'x1'), { maxLength: 25 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(text, (s) => {
        expect(normalizeNumbers(s)).toBe(s.replace(NUMBER, 'N'));
      }),
      { numRuns: 3000, seed: 13 },
    );
  });

  it('stripAccents, removePunctuation, collapseWhitespace and normalizeNumbers take runs of ten million (the + patterns overflowed the stack)', () => {
    const n = 10_000_000;
    expect(() => `a${'\u0301'.repeat(n)}`.replace(/\p{Mn}+/gu, '')).toThrow(RangeError);
    expect(stripAccents(`a${'\u0301'.repeat(n)}`)).toBe('a');
    expect(removePunctuation(`a${'、'.repeat(n)}b`)).toBe('a b');
    expect(collapseWhitespace(`a${'\u3000'.repeat(n)}b `)).toBe('a b');
    expect(normalizeNumbers(`x ${'٣'.repeat(n)} y`)).toBe('x N y');
  });

  it('collapseWhitespace counts as space exactly \\s plus U+001C-U+001F and U+0085, for every BMP code unit', () => {
    const space = /^[\s\u001c-\u001f\u0085]$/u; // eslint-disable-line no-control-regex -- the definition under test
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue; // lone surrogates are rejected
      const ch = String.fromCharCode(c);
      const got = collapseWhitespace(`a${ch}b`);
      if (got !== (space.test(ch) ? 'a b' : `a${ch}b`)) expect.fail(`U+${c.toString(16).padStart(4, '0')}: got ${JSON.stringify(got)}`);
    }
  });

  it('collapseWhitespace equals the regular-expression definition on random text', () => {
    const unit = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\u0085', '\u001c', '\ufeff', 'a', 'b', 'é', '😀', '\u200b', 'x y');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 30 }), (units) => {
        const s = units.join('');
        const reference = s.replace(/[\s\u001c-\u001f\u0085]+/gu, ' ').replace(/^ | $/gu, ''); // eslint-disable-line no-control-regex -- the definition
        expect(collapseWhitespace(s)).toBe(reference);
      }),
      { numRuns: 3000, seed: 29 },
    );
  });

  it('removePunctuation and collapseWhitespace still replace each whole run once', () => {
    expect(removePunctuation(`a${'!'.repeat(5000)}b${'?'.repeat(4096)}`, { replacement: '_' })).toBe('a_b_');
    expect(collapseWhitespace(`\u001c a${' '.repeat(9000)}b\u0085`)).toBe('a b');
  });
});
