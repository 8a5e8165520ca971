/**
 * A token and where it came from: `input.slice(start, end) === text`, with UTF-16 offsets (the indices that
 * `String.prototype.slice` uses), so a token can be highlighted or replaced in the original string. The
 * tokenizers of `@nlpkit/text` produce them; every package that consumes tokens accepts them as well as strings.
 */
export interface Token {
  /** The token's characters, exactly as they appear in the input. */
  readonly text: string;
  /** UTF-16 index of the first character. */
  readonly start: number;
  /** UTF-16 index one past the last character. */
  readonly end: number;
}

/** What packages accept where a token is expected: its text, or a {@link Token} with offsets. */
export type TokenLike = string | Token;

/**
 * The text of a token given as a string or a {@link Token}; `undefined` for anything else, so callers can raise
 * an error that names their own argument.
 */
export function tokenText(token: unknown): string | undefined {
  if (typeof token === 'string') return token;
  if (token !== null && typeof token === 'object' && typeof (token as { text?: unknown }).text === 'string') {
    return (token as Token).text;
  }
  return undefined;
}
