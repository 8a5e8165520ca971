import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedTextError } from './errors.js';
import { treebankTokenize } from './treebankTokenize.js';

interface Golden {
  readonly rows: readonly { readonly input: string; readonly tokens: readonly string[] }[];
}

const golden = JSON.parse(
  readFileSync(new URL('../test/fixtures/treebank.json', import.meta.url), 'utf8'),
) as Golden;

describe('treebankTokenize', () => {
  it('produces exactly the tokens of NLTK TreebankWordTokenizer on every golden row', () => {
    expect(golden.rows.length).toBeGreaterThan(300);
    const mismatches = golden.rows
      .map((row) => ({ input: row.input, expected: row.tokens, got: treebankTokenize(row.input).map((t) => t.form) }))
      .filter((r) => JSON.stringify(r.expected) !== JSON.stringify(r.got));
    expect(mismatches).toEqual([]);
  });

  it('gives offsets into the original text, with quote forms only where the text has quotes', () => {
    const input = '"I cannot go," she said.';
    const tokens = treebankTokenize(input);
    expect(tokens.map((t) => [t.form, t.text, t.start, t.end])).toEqual([
      ['``', '"', 0, 1],
      ['I', 'I', 1, 2],
      ['can', 'can', 3, 6],
      ['not', 'not', 6, 9],
      ['go', 'go', 10, 12],
      [',', ',', 12, 13],
      ["''", '"', 13, 14],
      ['she', 'she', 15, 18],
      ['said', 'said', 19, 23],
      ['.', '.', 23, 24],
    ]);
  });

  it('slices back to each token for arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        for (const t of treebankTokenize(s)) {
          expect(s.slice(t.start, t.end)).toBe(t.text);
          if (t.text !== t.form) expect(['``', "''"]).toContain(t.form);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects non-strings and lone surrogates', () => {
    expect(() => treebankTokenize(5 as unknown as string)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: text must be a string, got 5]`,
    );
    expect(() => treebankTokenize('a\ud800b')).toThrow(MalformedTextError);
  });

  it('issue 13: takes ten million Unicode spaces and a final period after them (the [WS]+ split overflowed the stack)', () => {
    const text = `Hi${'\u3000'.repeat(10_000_000)}there.${'\u3000'.repeat(1000)}`;
    expect(() => text.split(/[\s\u3000]+/u)).toThrow(RangeError);
    expect(treebankTokenize(text).map((t) => t.form)).toEqual(['Hi', 'there', '.']);
  });
});
