import { describe, expect, it } from 'vitest';
import { UnknownNameError } from '@nlpkit/core';
import { STOP_WORD_LANGUAGES, removeStopWords, stopWords } from './stopWords.js';

describe('stopWords', () => {
  it('has lists for many languages, lowercase and NFC', () => {
    expect(STOP_WORD_LANGUAGES.length).toBeGreaterThanOrEqual(15);
    for (const lang of STOP_WORD_LANGUAGES) {
      const words = stopWords(lang);
      expect(words.size).toBeGreaterThan(30);
      for (const w of words) {
        expect(w).toBe(w.toLowerCase());
        expect(w).toBe(w.normalize('NFC'));
      }
    }
    expect(stopWords('de').has('und')).toBe(true);
    expect(stopWords('fr').has('été')).toBe(true);
    expect(stopWords('ru').has('что')).toBe(true);
  });

  it('filters strings and tokens case-insensitively', () => {
    expect(removeStopWords('en')(['The', 'cat', 'IS', 'here'])).toEqual(['cat']);
    expect(removeStopWords(['Foo'])([{ text: 'foo', start: 0, end: 3 }, { text: 'bar', start: 4, end: 7 }])).toEqual([
      { text: 'bar', start: 4, end: 7 },
    ]);
  });

  it('rejects unknown languages', () => {
    expect(() => stopWords('xx' as 'en')).toThrow(UnknownNameError);
    expect(() => stopWords('xx' as 'en')).toThrowErrorMatchingInlineSnapshot(
      `[UnknownNameError: @nlpkit/text: language must be one of en, fr, de, es, it, pt, nl, sv, no, da, fi, ru, pl, tr, id, got "xx"]`,
    );
  });
});
