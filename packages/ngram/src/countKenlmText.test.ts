import { Readable } from 'node:stream';
import { EmptyInputError, createRng } from '@nlpkit/core';
import { readLines } from '@nlpkit/text/node';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ptb } from '../test/ptbData.js';
import { countKenlmText } from './countKenlmText.js';
import { type NgramCounts, countNgrams } from './countNgrams.js';
import { NgramInputError } from './errors.js';
import { kenlmWords } from './kenlmWords.js';

/** The reference: lines as readLines gives them (the CLI's reader before), words as kenlmWords splits them. */
async function viaStrings(bytes: Uint8Array, order: number): Promise<NgramCounts> {
  const sentences: string[][] = [];
  for await (const line of readLines(Readable.from([Buffer.from(bytes)]))) sentences.push(kenlmWords(line));
  return countNgrams(sentences, { order });
}

/** `bytes` cut into random pieces (1 to 16 bytes: every boundary case of a word, a line or a mark cut in two). */
function pieces(bytes: Uint8Array, seed: number): Uint8Array[] {
  const rng = createRng(seed);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(rng.next() * 16);
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

function same(a: NgramCounts, b: NgramCounts): void {
  expect(a.wordIndex.words()).toEqual(b.wordIndex.words());
  expect(a.sentences).toBe(b.sentences);
  expect(a.tokens).toBe(b.tokens);
  expect(a.counts).toEqual(b.counts);
  expect(a.suffixes).toEqual(b.suffixes);
  for (let n = 1; n < a.order; n++) {
    expect(a.indexes[n]!.parents).toEqual(b.indexes[n]!.parents);
    expect(a.indexes[n]!.words).toEqual(b.indexes[n]!.words);
  }
}

const TRICKY = [
  '\ufeff\ufeffthe cat\u00a0sat \r\n',
  '\n',
  '  \t \r\n',
  'a\u3000b c\ufeffd\vx\fy\0z\te <unk> UNK\n',
  'é ü ǅ 😀 \u2003 the cat\n',
  'the cat sat on the mat\n',
  'last line without newline',
].join('');

describe('countKenlmText', () => {
  it('counts what kenlmWords over the lines of readLines counts, however the bytes are cut', async () => {
    const bytes = new TextEncoder().encode(TRICKY);
    const expected = await viaStrings(bytes, 3);
    same(countKenlmText([bytes], { order: 3 }), expected);
    for (let seed = 1; seed <= 40; seed++) same(countKenlmText(pieces(bytes, seed), { order: 3 }), expected);
    same(await countKenlmText(Readable.from(pieces(bytes, 99)), { order: 3 }), expected);
  });

  it('reads invalid UTF-8, marks cut short and empty lines as the string path does', async () => {
    const cases = [
      [0xef, 0xbb, 0x61, 0x20, 0x62, 0x0a],
      [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0x0a, 0x61],
      [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x61, 0x0a],
      [0xef, 0xbb],
      [0x61, 0xff, 0x62, 0x20, 0xe2, 0x82, 0x20, 0x61, 0xfe, 0x62, 0x0a, 0xe2, 0x28, 0xa1],
      [0x0a, 0x0a, 0x0a],
      [0x20],
      [0x0d],
    ];
    for (const c of cases) {
      const bytes = Uint8Array.from(c);
      const expected = await viaStrings(bytes, 2);
      same(countKenlmText([bytes], { order: 2 }), expected);
      for (let seed = 1; seed <= 8; seed++) same(countKenlmText(pieces(bytes, seed), { order: 2 }), expected);
    }
  });

  it('counts PTB train (its first 600 kB) as the string path does', ptb.options, async () => {
    const bytes = readFileSync(ptb.path('ptb/ptb.train.txt')).subarray(0, 600_000);
    same(countKenlmText([bytes.subarray(0, 200_003), bytes.subarray(200_003)], { order: 3 }), await viaStrings(bytes, 3));
    // Told the input's size, the tables grow straight to their projected size: the same counts.
    same(countKenlmText([bytes.subarray(0, 200_003), bytes.subarray(200_003)], { order: 3, totalBytes: bytes.length }), await viaStrings(bytes, 3));
  });

  it('refuses markers in the text, naming the line and token, and an empty input', () => {
    const error = (() => {
      try {
        countKenlmText([new TextEncoder().encode('a b\nc </s> d\n')], { order: 2 });
      } catch (e) {
        return e as NgramInputError;
      }
      throw new Error('expected a throw');
    })();
    expect(error).toBeInstanceOf(NgramInputError);
    expect(error.line).toBe(2);
    expect(error.message).toMatchInlineSnapshot(`"@nlpkit/ngram: sentences[1][1] must be a word, not a reserved marker (sentence boundaries are added automatically), got "</s>""`);
    expect(() => countKenlmText([], { order: 2 })).toThrow(EmptyInputError);
    expect(() => countKenlmText([new Uint8Array(0)], { order: 2 })).toThrow(EmptyInputError);
    expect(() => countKenlmText([7 as unknown as Uint8Array], { order: 2 })).toThrow(/chunks/);
    expect(countKenlmText(['a b\n', 'c'], { order: 2 }).wordIndex.words()).toEqual(['<unk>', '<s>', '</s>', 'a', 'b', 'c']);
  });

  it('reports lines read', () => {
    const seen: number[] = [];
    countKenlmText([new TextEncoder().encode('a\n'.repeat(20_000))], { order: 2, onLines: (n) => seen.push(n) });
    expect(seen).toEqual([8192, 16384, 20000]);
  });
});
