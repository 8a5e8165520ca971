import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitSentences } from './splitSentences.js';

const texts = (s: string, options?: Parameters<typeof splitSentences>[1]): string[] =>
  splitSentences(s, options).map((t) => t.text);

describe('splitSentences', () => {
  it('does not break after titles, e.g./i.e., or before lowercase words', () => {
    expect(texts('Mr. Smith met Dr. Ngô at St. Paul’s. E.g. cats, i.e. felines, vs. dogs. Next one.')).toEqual([
      'Mr. Smith met Dr. Ngô at St. Paul’s.',
      'E.g. cats, i.e. felines, vs. dogs.',
      'Next one.',
    ]);
  });

  it('handles U.S., etc. and initials by looking at the next word', () => {
    expect(texts('The U.S. Army grew. He lives in the U.S. The end.')).toEqual([
      'The U.S. Army grew.',
      'He lives in the U.S.',
      'The end.',
    ]);
    expect(texts('Apples, pears, etc. The basket was full. J. R. R. Tolkien wrote it.')).toEqual([
      'Apples, pears, etc.',
      'The basket was full.',
      'J. R. R. Tolkien wrote it.',
    ]);
  });

  it('keeps closing quotes and brackets with their sentence and handles ellipses', () => {
    expect(texts('“Stop!” he cried. «Très bien.» Elle partit… Puis rien. Wait... what? (Yes.) Fine.')).toEqual([
      '“Stop!” he cried.',
      '«Très bien.»',
      'Elle partit…',
      'Puis rien.',
      'Wait... what?',
      '(Yes.)',
      'Fine.',
    ]);
  });

  it('splits CJK full stops without spaces and at blank lines; keeps decimals', () => {
    expect(texts('東京です。大阪です！Pi is 3.14 today\n\nNew paragraph')).toEqual([
      '東京です。',
      '大阪です！',
      'Pi is 3.14 today',
      'New paragraph',
    ]);
  });

  it('accepts a custom abbreviation list', () => {
    expect(texts('Siehe z.B. Abschnitt 2. Dann weiter.', { abbreviations: ['z.B.'] })).toEqual([
      'Siehe z.B. Abschnitt 2.',
      'Dann weiter.',
    ]);
    expect(texts('Siehe Abs. Zwei.', { abbreviations: [] })).toEqual(['Siehe Abs.', 'Zwei.']);
  });

  it('returns trimmed spans that slice back to the text (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('Mr.', 'U.S.', 'a', 'B', '. ', '! ', '? ', '\n\n', ' ', '“', '”', '…', '。'), fc.string({ maxLength: 4 })), {
          maxLength: 30,
        }),
        (parts) => {
          const s = parts.join('');
          let last = 0;
          for (const t of splitSentences(s)) {
            expect(s.slice(t.start, t.end)).toBe(t.text);
            expect(t.text).toBe(t.text.trim());
            expect(t.text.length).toBeGreaterThan(0);
            expect(t.start).toBeGreaterThanOrEqual(last);
            last = t.end;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects bad input', () => {
    expect(() => splitSentences(null as unknown as string)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: text must be a string, got null]`,
    );
    expect(() => splitSentences('a', { abbreviations: [1 as unknown as string] })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: options.abbreviations[0] must be a string, got 1]`,
    );
  });
});
