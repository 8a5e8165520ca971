import { FormatError, InvalidArgumentError, UnsupportedError, validators } from '@nlpkit/core';

/** The name every error of this package starts with. */
export const PKG = '@nlpkit/text';

/** Argument checks that throw `@nlpkit/core` errors in the common message style. */
export const check = validators(PKG);

/**
 * A string argument holds a lone UTF-16 surrogate, so it is not well-formed Unicode and token offsets could
 * split a character (code `ERR_MALFORMED_TEXT`). `index` is the UTF-16 index of the first lone surrogate.
 */
export class MalformedTextError extends InvalidArgumentError {
  /** UTF-16 index of the first lone surrogate. */
  readonly index: number;

  constructor(options: { readonly argument: string; readonly index: number; readonly codeUnit: number }) {
    const { argument, index, codeUnit } = options;
    super(
      {
        package: PKG,
        argument,
        expected: 'well-formed Unicode',
        foundText: `a lone surrogate U+${codeUnit.toString(16).toUpperCase().padStart(4, '0')} at index ${index}`,
      },
      'ERR_MALFORMED_TEXT',
    );
    this.index = index;
  }
}

/**
 * Checks that `value` is a well-formed string and returns it. Lone surrogates are rejected with a
 * {@link MalformedTextError} because a token boundary could otherwise fall inside a character.
 */
export function checkText(value: unknown, argument: string): string {
  const text = check.string(value, argument);
  // isWellFormed is native since Node 20 and current browsers; the scan below is the fallback and the locator.
  const wellFormed = (text as { isWellFormed?: () => boolean }).isWellFormed;
  if (wellFormed !== undefined && wellFormed.call(text)) return text;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      throw new MalformedTextError({ argument, index: i, codeUnit: c });
    }
    if (c >= 0xdc00 && c <= 0xdfff) throw new MalformedTextError({ argument, index: i, codeUnit: c });
  }
  return text;
}

/**
 * A line of the input is longer than the reader's `maxLineLength` (code `ERR_LINE_TOO_LONG`; a `FormatError` of
 * `@nlpkit/core`). Files with CR-only line endings and binary files usually look like one endless line. `line` is
 * the 1-based number of the line; reading stopped before holding more than about `limit` characters of it.
 */
export class LineTooLongError extends FormatError {
  /** The limit that was exceeded, in UTF-16 code units. */
  readonly limit: number;

  constructor(options: { readonly line: number; readonly limit: number }) {
    const { line, limit } = options;
    super(
      {
        package: PKG,
        argument: `line ${line}`,
        line,
        message:
          `line ${line} is longer than maxLineLength (${limit} characters): is it a file with CR-only line endings, ` +
          'or not text at all? Raise options.maxLineLength if the line is real',
      },
      'ERR_LINE_TOO_LONG',
    );
    this.limit = limit;
  }
}

/**
 * Runs `match` (a caller's regular expression over a long input) and turns V8's "Maximum call stack size
 * exceeded" — the regex engine's backtracking stack, overflowed by an unbounded quantifier over a run of millions
 * of characters — into an `UnsupportedError` with code `ERR_REGEX_STACK` naming the argument. @internal
 */
export function withRegexStack<T>(argument: string, match: () => T): T {
  try {
    return match();
  } catch (cause) {
    if (!(cause instanceof RangeError)) throw cause;
    throw new UnsupportedError(
      {
        package: PKG,
        argument,
        message:
          `${argument} overflowed the regular expression engine's stack on this input (a quantifier such as + over ` +
          'a run of millions of characters); bound it, e.g. {1,4096}, or split the input',
        cause,
      },
      'ERR_REGEX_STACK',
    );
  }
}
