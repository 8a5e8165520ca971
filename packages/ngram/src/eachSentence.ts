import { InvalidArgumentError, isAsyncIterable, isIterable, sentenceTokens } from '@nlpkit/core';
import { NgramInputError, PKG, check } from './errors.js';

/** A corpus as the previous pipeline stage gives it: sentences of strings or text `Token`s, sync or async. */
export type Sentences<T> = Iterable<readonly T[]> | AsyncIterable<readonly T[]>;

/**
 * Visits each sentence of a sync or async corpus as token strings, then returns `finish()`: at once for a sync
 * iterable, as a promise for an async one. Sentences holding `Token`s are read through core `sentenceTokens`;
 * a bad sentence or token is an {@link NgramInputError} naming it (`sentences[3][2]`) with its 1-based `line`.
 */
export function eachSentence<R>(
  sentences: unknown,
  visit: (tokens: readonly string[], index: number) => void,
  finish: () => R,
): R | Promise<R> {
  if (isAsyncIterable(sentences)) {
    return (async () => {
      let i = 0;
      for await (const sentence of sentences) {
        visit(tokensOf(sentence, i), i);
        i++;
      }
      return finish();
    })();
  }
  if (!isIterable(sentences) || typeof sentences === 'string') {
    throw check.invalid(sentences, 'sentences', 'an iterable or async iterable of token arrays');
  }
  let i = 0;
  for (const sentence of sentences) {
    visit(tokensOf(sentence, i), i);
    i++;
  }
  return finish();
}

/** The token strings of sentence `index`, or an {@link NgramInputError} naming the bad sentence or token. */
export function tokensOf(sentence: unknown, index: number): readonly string[] {
  try {
    return sentenceTokens(sentence, index, PKG);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    throw new NgramInputError({
      package: PKG,
      argument: error.argument ?? `sentences[${index}]`,
      ...(error.expected === undefined ? {} : { expected: error.expected }),
      ...(error.found === undefined ? {} : { foundText: error.found }),
      line: index + 1,
      cause: error,
    });
  }
}
