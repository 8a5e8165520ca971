/**
 * A token and where it came from: `input.slice(start, end) === text`, with UTF-16 offsets (the indices that
 * `String.prototype.slice` uses), so a token can be highlighted or replaced in the original string.
 */
export interface Token {
  /** The token's characters, exactly as they appear in the input. */
  readonly text: string;
  /** UTF-16 index of the first character. */
  readonly start: number;
  /** UTF-16 index one past the last character. */
  readonly end: number;
}
