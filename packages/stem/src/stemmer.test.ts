import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UnknownNameError } from '@nlpkit/core';
import { STEMMER_NAMES, stem, stemmer, type StemmerName } from './stemmer.js';

interface Sample {
  readonly languages: Record<string, { readonly rows: readonly [string, string][]; readonly naturalDiffers: readonly string[] }>;
}

const sample = JSON.parse(
  readFileSync(new URL('../test/fixtures/snowball-sample.json', import.meta.url), 'utf8'),
) as Sample;

describe('stemmer', () => {
  it('matches Snowball’s published stems on a sample of each language, except the recorded differences', () => {
    for (const [code, { rows, naturalDiffers }] of Object.entries(sample.languages)) {
      const stemFor = stemmer(code as StemmerName);
      const differs = rows.filter(([word, expected]) => stemFor(word) !== expected).map(([word]) => word);
      expect({ code, differs }).toEqual({ code, differs: naturalDiffers });
      expect(rows.length).toBe(400);
    }
  });

  it('stems English with the original Porter algorithm and offers Lancaster and Carry', () => {
    expect(stem('running')).toBe('run');
    expect(stem('generalization', 'porter')).toBe('gener');
    expect(stem('maximum', 'lancaster')).toBe('maxim');
    expect(stem('continuellement', 'fr')).toBe('continuel');
    expect(typeof stem('continuellement', 'carry')).toBe('string');
    expect(stem('häuser', 'de')).toBe('haus');
  });

  it('has a stemmer behind every listed name', () => {
    for (const name of STEMMER_NAMES) expect(typeof stemmer(name)('word')).toBe('string');
  });

  it('rejects unknown names and non-string words', () => {
    expect(() => stemmer('xx' as StemmerName)).toThrow(UnknownNameError);
    expect(() => stemmer('toString' as StemmerName)).toThrow(UnknownNameError);
    expect(() => stem('a', 'klingon' as StemmerName)).toThrowErrorMatchingInlineSnapshot(
      `[UnknownNameError: @nlpkit/stem: name must be one of en, de, es, fa, fr, it, nl, no, pt, ru, sv, uk, id, porter, natural-porter, lancaster, carry, got "klingon"]`,
    );
    expect(() => stem(null as unknown as string, 'de')).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/stem: word must be a string, got null]`,
    );
  });
});
