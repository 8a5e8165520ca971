import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { naturalPorterStem } from './natural.js';
import { porterStem } from './porterStem.js';

function lines(name: string): string[] {
  const text = gunzipSync(readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url))).toString('utf8');
  return text.split('\n').slice(0, -1);
}

// Martin Porter's published vocabulary and its stems, as shipped by Debian's snowball-data (porter/).
const vocabulary = lines('porter-voc.txt.gz');
const expected = lines('porter-output.txt.gz');

describe('porterStem', () => {
  it('reproduces the published Porter output on every word of the vocabulary', () => {
    expect(vocabulary.length).toBe(30428);
    expect(expected.length).toBe(vocabulary.length);
    const mismatches: string[] = [];
    vocabulary.forEach((word, i) => {
      const got = porterStem(word);
      if (got !== expected[i]) mismatches.push(`${word}: ${got} ≠ ${expected[i]}`);
    });
    expect(mismatches).toEqual([]);
  });

  it('documents where natural’s PorterStemmer departs from the published output (39 words)', () => {
    const differs = vocabulary.filter((word, i) => naturalPorterStem(word) !== expected[i]);
    expect(differs.length).toBe(39);
    expect(differs.slice(0, 6)).toEqual(['apologies', 'apology', 'archaeologies', 'archaeology', 'as', 'assemblies']);
  });

  it('handles the classic examples, case and y', () => {
    expect(['caresses', 'ponies', 'relational', 'hopping', 'filing', 'generalizations', 'Running', 'SKY', 'sayings'].map(porterStem)).toEqual([
      'caress', 'poni', 'relat', 'hop', 'file', 'gener', 'run', 'sky', 'sai',
    ]);
  });

  it('rejects non-strings', () => {
    expect(() => porterStem(3 as unknown as string)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/stem: word must be a string, got 3]`,
    );
  });
});
