import { measureRatio } from '@nlpkit/vitest-config';
import { describe, expect, it } from 'vitest';
import { MAX_NATURAL_WORD_LENGTH } from './naturalLoader.js';
import { carryStem, naturalPorterStem } from './naturalStemmers.js';
import { porterStem } from './porterStem.js';
import { STEMMER_NAMES, stemmer } from './stemmer.js';

// Issue 13 complexity suite for the stemmers: one word of ~1 MB vs ~10 MB; the time ratio must stay ≤ 15.

/** large time / max(small time, 20 ms), best of up to three measurements. */
function ratio(run: (word: string) => unknown, small: string, large: string): number {
  return measureRatio(`stem ${small.length}`, () => run(small), () => run(large)).ratio;
}

const WORDS: Record<string, (n: number) => string> = {
  'one letter': (n) => 'a'.repeat(n),
  consonants: (n) => 's'.repeat(n),
  'vowel y': (n) => 'ay'.repeat(n / 2),
  suffixes: (n) => 'ational'.repeat(Math.round(n / 7)),
  'non-ASCII': (n) => 'é'.repeat(n),
};

describe('stemmers: issue 13 complexity (1 MB vs 10 MB word, time ratio ≤ 15)', () => {
  it('porterStem is linear in the word', () => {
    for (const [label, make] of Object.entries(WORDS)) {
      expect(ratio(porterStem, make(1_000_000), make(10_000_000)), label).toBeLessThanOrEqual(15);
    }
  });

  it('issue 13: natural-backed stemmers return strings longer than 256 unchanged (natural is quadratic: a 1 MB word took about an hour)', () => {
    const long = 's'.repeat(MAX_NATURAL_WORD_LENGTH + 1);
    expect(naturalPorterStem(long)).toBe(long);
    expect(carryStem(long)).toBe(long);
    expect(naturalPorterStem('s'.repeat(MAX_NATURAL_WORD_LENGTH))).not.toBe(long);
    for (const name of STEMMER_NAMES) {
      const stem = stemmer(name);
      expect(ratio(stem, 's'.repeat(1_000_000), 's'.repeat(10_000_000)), name).toBeLessThanOrEqual(15);
    }
  });
});
