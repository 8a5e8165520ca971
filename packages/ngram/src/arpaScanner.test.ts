import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCursor, WordTable, fastNumber, hashRange, isArpaSpace } from './arpaScanner.js';

function cursorLines(chunks: string[], emptyTail: boolean, crs = 1): [string, number][] {
  const cursor = new LineCursor(chunks, emptyTail, crs);
  const out: [string, number][] = [];
  while (cursor.next()) out.push([cursor.line(), cursor.lineNo]);
  return out;
}

/** Cuts `text` at the given positions. */
function chunked(text: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const c of at) {
    out.push(text.slice(from, c));
    from = c;
  }
  out.push(text.slice(from));
  return out;
}

describe('LineCursor', () => {
  it('gives the lines of split("\\n") however the text is chunked', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\r') }), fc.array(fc.nat(), { maxLength: 5 }), (text, cuts) => {
        const expected = text.split('\n').map((l, i): [string, number] => [l.endsWith('\r') ? l.slice(0, -1) : l, i + 1]);
        expect(cursorLines([text], true)).toEqual(expected);
        expect(cursorLines(chunked(text, cuts), true)).toEqual(expected);
        // Without the empty tail, text ending in a newline has no extra empty line (as a file reader says).
        const noTail = text.endsWith('\n') || text === '' ? expected.slice(0, -1) : expected;
        expect(cursorLines(chunked(text, cuts), false)).toEqual(noTail);
      }),
      { numRuns: 300 },
    );
  });

  it('strips up to `crs` carriage returns', () => {
    expect(cursorLines(['a\r\r\nb\r'], false, 2).map(([l]) => l)).toEqual(['a', 'b']);
    expect(cursorLines(['a\r\r\nb\r'], false, 1).map(([l]) => l)).toEqual(['a\r', 'b']);
  });
});

describe('fastNumber', () => {
  it('equals Number() wherever it answers, and answers for the numbers ARPA writers print', () => {
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), maxLength: 12 });
    const decimal = fc
      .tuple(fc.constantFrom('', '-', '+'), digits, fc.constantFrom('', '.'), digits, fc.constantFrom('', 'e', 'E', 'e-', 'e+'), fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9'), maxLength: 3 }))
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(decimal, fc.string({ maxLength: 8 })), fc.string({ maxLength: 3 }), (field, pad) => {
        const text = `${pad}${field}${pad}`;
        const value = fastNumber(text, pad.length, pad.length + field.length);
        if (Number.isNaN(value)) return;
        // Only valid ARPA numbers are answered (the rest falls back to the validating parser).
        expect(field).toMatch(/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/);
        expect(Object.is(value, Number(field))).toBe(true);
      }),
      { numRuns: 3000 },
    );
    for (const field of ['-0.68067276', '-99', '0', '-1.2e-05', '-0.000123456789', '3.', '.5', '-0']) {
      expect(Object.is(fastNumber(field, 0, field.length), Number(field))).toBe(true);
    }
    for (const field of ['', '-', '.', 'e5', '1e', '1e+', '-inf', '1.2.3', '0x10', '12345678901234567890']) {
      expect(fastNumber(field, 0, field.length)).toBeNaN();
    }
  });

  it('agrees with Number() on random float32 values printed as writeArpa prints them', () => {
    fc.assert(
      fc.property(fc.float({ min: -20, max: 0, noNaN: true }), (x) => {
        for (const text of [String(x), x.toPrecision(8), x.toExponential(6)]) {
          const value = fastNumber(text, 0, text.length);
          if (!Number.isNaN(value)) expect(Object.is(value, Number(text))).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('WordTable', () => {
  it('finds words by character range, across growth', () => {
    const words: string[] = [];
    const table = new WordTable(words);
    for (let i = 0; i < 5000; i++) {
      const w = `w${i}é`;
      words.push(w);
      table.insert(w, i);
    }
    const text = ' w17é w4999é w5000é w1 ';
    expect(table.find(text, 1, 5)).toBe(17);
    expect(table.find(text, 6, 12)).toBe(4999);
    expect(table.find(text, 13, 19)).toBe(-1);
    expect(table.find(text, 20, 22)).toBe(-1);
    expect(table.findHashed(text, 1, 5, hashRange('w17é', 0, 4))).toBe(17);
  });

  it("separates fields at KenLM's ARPA spaces only (tab, LF, CR, space; not U+00A0, U+3000, U+FEFF...)", () => {
    const spaces: number[] = [];
    for (let c = 0; c < 0x10000; c++) if (isArpaSpace(c)) spaces.push(c);
    expect(spaces).toEqual([9, 10, 13, 32]);
  });
});
