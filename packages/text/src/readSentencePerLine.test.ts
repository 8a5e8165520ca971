import { InvalidArgumentError, buildVocabulary, collect, isAsyncIterable } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { readSentencePerLine } from './readSentencePerLine.js';
import { wordTokenize } from './wordTokenize.js';

async function* lines(...items: string[]): AsyncGenerator<string> {
  for (const item of items) yield item;
}

describe('readSentencePerLine', () => {
  it('splits lines and skips blanks', async () => {
    expect(await collect(readSentencePerLine([' a  b ', '', 'c']))).toEqual([['a', 'b'], ['c']]);
    expect(await collect(readSentencePerLine(['a-b'], (l) => l.split('-')))).toEqual([['a', 'b']]);
  });

  it('stays sync for sync lines and async for async lines', async () => {
    const sync = readSentencePerLine(['the cat', 'a dog']);
    expect(isAsyncIterable(sync)).toBe(false);
    // A sync corpus goes straight into consumers that take sync iterables.
    expect(buildVocabulary(sync).size).toBe(4 + 4);
    const async = readSentencePerLine(lines('the cat', '', 'a dog\r'));
    expect(isAsyncIterable(async)).toBe(true);
    expect(await collect(async)).toEqual([['the', 'cat'], ['a', 'dog']]);
  });

  it('tokenizes with any tokenizer, e.g. wordTokenize', () => {
    const [sentence] = [...readSentencePerLine(["don't stop"], wordTokenize)];
    expect(sentence?.map((t) => t.text)).toEqual(["don't", 'stop']);
    expect(() => [...readSentencePerLine(['a'], () => 'a' as unknown as string[])]).toThrow(InvalidArgumentError);
  });
});
