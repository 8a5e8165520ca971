import { check } from './errors.js';
import { parse, splitWhitespace, type Lines, type ReadResult } from './lines.js';

const splitOnWhitespace = splitWhitespace;

/**
 * Reads one sentence per line, skipping blank lines. Each sentence is split on whitespace into strings (what
 * `@nlpkit/ngram`, `@nlpkit/metrics` and `@nlpkit/core`'s `buildVocabulary` take as a corpus), or by `tokenize`
 * (e.g. `wordTokenize`, whose `Token`s those packages accept too).
 *
 * @example
 * const { model } = await estimateKneserNey(readSentencePerLine(readLines('train.txt')), { order: 3 });
 * readSentencePerLine(['the cat', '', 'a dog']) // sync: [['the', 'cat'], ['a', 'dog']]
 */
export function readSentencePerLine<L extends Lines>(lines: L): ReadResult<L, string[]>;
export function readSentencePerLine<L extends Lines, T>(lines: L, tokenize: (line: string) => T[]): ReadResult<L, T[]>;
export function readSentencePerLine<T>(
  lines: Lines,
  tokenize: (line: string) => T[] = splitOnWhitespace as unknown as (line: string) => T[],
): Generator<T[], void, undefined> | AsyncGenerator<T[], void, undefined> {
  if (typeof tokenize !== 'function') throw check.invalid(tokenize, 'tokenize', 'a function');
  return parse(lines, {
    line(line, n) {
      if (line.trim() === '') return undefined;
      const tokens = tokenize(line);
      if (!Array.isArray(tokens)) throw check.invalid(tokens, `tokenize(line ${n})`, 'an array of tokens');
      return tokens;
    },
    end: () => undefined,
  });
}
