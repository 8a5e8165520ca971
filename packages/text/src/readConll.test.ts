import { InvalidArgumentError, collect } from '@nlpkit/core';
import { referenceData } from '@nlpkit/vitest-config';
import { describe, expect, it } from 'vitest';
import { readLines } from './node.js';
import { readConll } from './readConll.js';

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

// WikiANN English dev (public, 1 MB): a reference file CI provides under ../shared/data or NLPKIT_SHARED_DATA.
const wikiann = referenceData('wikiann-en/dev');

describe('readConll on WikiANN', wikiann.options, () => {
  it('reads all 10,000 dev sentences and 80,536 tokens', async () => {
    let sentences = 0;
    let tokens = 0;
    for await (const { columns } of readConll(readLines(wikiann.path('wikiann-en/dev')), { separator: '\t' })) {
      sentences++;
      tokens += columns[0]?.length ?? 0;
      expect(columns.length).toBe(2);
    }
    expect({ sentences, tokens }).toEqual({ sentences: 10_000, tokens: 80_536 });
  });
});
