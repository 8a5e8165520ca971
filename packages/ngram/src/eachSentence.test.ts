import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluatePerplexity, type Token } from '@nlpkit/core';
import { readSentencePerLine, wordTokenize } from '@nlpkit/text';
import { readLines } from '@nlpkit/text/node';
import { describe, expect, it } from 'vitest';
import { countNgrams } from './countNgrams.js';
import { countNgramsOnDisk } from './countNgramsOnDisk.js';
import { NgramInputError } from './errors.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { katzBackoff } from './katzBackoff.js';
import { collectNgramStatistics } from './ngramStatistics.js';
import { stupidBackoff } from './stupidBackoff.js';
import { wittenBell } from './wittenBell.js';
import { writeArpa } from './writeArpa.js';

const TEXT = ['the cat sat on the mat', 'the dog sat on the log', 'a cat ate the rat'];
const STRINGS = TEXT.map((line) => line.split(' '));

/** Sentences of `Token`s with offsets, as a tokenizer gives them. */
function tokens(line: string): Token[] {
  let at = 0;
  return line.split(' ').map((text) => {
    const start = line.indexOf(text, at);
    at = start + text.length;
    return { text, start, end: at };
  });
}

async function* slowly<T>(items: readonly T[]): AsyncGenerator<T, void, undefined> {
  for (const item of items) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    yield item;
  }
}

describe('corpus inputs: strings or Tokens, sync or async', () => {
  const reference = writeArpa(estimateKneserNey(STRINGS, { order: 3 }).model);

  it('estimates the same model from text Tokens as from strings (sync in, sync out)', () => {
    const result = estimateKneserNey(TEXT.map(tokens), { order: 3 });
    expect(result).not.toBeInstanceOf(Promise);
    expect(writeArpa(result.model)).toBe(reference);
    // The example: text's tokenizer output straight into ngram.
    const { model } = estimateKneserNey([wordTokenize('the cat sat')], { order: 2 });
    expect(model.vocabulary.has('cat')).toBe(true);
  });

  it('estimates the same model from an async generator (async in, promise out)', async () => {
    const pending = estimateKneserNey(slowly(TEXT.map(tokens)), { order: 3 });
    expect(pending).toBeInstanceOf(Promise);
    expect(writeArpa((await pending).model)).toBe(reference);
    const counts = await countNgrams(slowly(STRINGS), { order: 3 });
    expect(writeArpa(estimateKneserNey(counts).model)).toBe(reference);
  });

  it('reads a file through @nlpkit/text with no glue: readSentencePerLine(readLines(path))', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlpkit-ngram-input-'));
    try {
      const path = join(dir, 'train.txt');
      writeFileSync(path, `${TEXT.join('\n')}\n`);
      const { model } = await estimateKneserNey(readSentencePerLine(readLines(path)), { order: 3 });
      expect(writeArpa(model)).toBe(reference);
      const tokenized = await estimateKneserNey(readSentencePerLine(readLines(path), wordTokenize), { order: 3 });
      expect(writeArpa(tokenized.model)).toBe(reference);
      const result = await evaluatePerplexity(model, readSentencePerLine(readLines(path)));
      expect(result.perplexity).toBe(evaluatePerplexity(model, STRINGS).perplexity);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts the smoothing family and on disk from Tokens and async corpora alike', async () => {
    const sync = collectNgramStatistics(STRINGS, { order: 2, padding: 'nltk' });
    const fromAsync = await collectNgramStatistics(slowly(TEXT.map(tokens)), { order: 2, padding: 'nltk' });
    expect(fromAsync.wordIndex.words()).toEqual(sync.wordIndex.words());
    expect(Array.from(fromAsync.counts[1]!)).toEqual(Array.from(sync.counts[1]!));
    const wb = wittenBell(TEXT.map(tokens), { order: 2 });
    const wbAsync = await wittenBell(slowly(STRINGS), { order: 2 });
    expect(wbAsync.prob('sat', ['cat'])).toBe(wb.prob('sat', ['cat']));
    expect((await katzBackoff(slowly(STRINGS), { order: 2 })).prob('sat', ['cat'])).toBe(katzBackoff(STRINGS, { order: 2 }).prob('sat', ['cat']));
    expect((await stupidBackoff(slowly(STRINGS), { order: 2 })).score('sat', ['cat'])).toBe(stupidBackoff(STRINGS, { order: 2 }).score('sat', ['cat']));
    const onDisk = await countNgramsOnDisk(slowly(TEXT.map(tokens)), { order: 3, memoryBytes: 1 << 16 });
    try {
      expect(onDisk.sentences).toBe(3);
      expect(onDisk.wordIndex.words()).toEqual(countNgrams(STRINGS, { order: 3 }).wordIndex.words());
    } finally {
      rmSync(onDisk.directory, { recursive: true, force: true });
    }
  });

  it('rejects a bad sentence of an async corpus with the same NgramInputError', async () => {
    await expect(estimateKneserNey(slowly([['a'], [42 as unknown as string]]), { order: 2 })).rejects.toThrow(NgramInputError);
    await expect(estimateKneserNey(slowly([['a'], [42 as unknown as string]]), { order: 2 })).rejects.toMatchObject({
      line: 2,
      argument: 'sentences[1][0]',
      code: 'ERR_NGRAM_INPUT',
    });
  });
});
