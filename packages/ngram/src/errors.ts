import { FormatError, InvalidArgumentError, type NlpkitErrorOptions, validators } from '@nlpkit/core';

/** The package name every error of `@nlpkit/ngram` starts with. */
export const PKG = '@nlpkit/ngram';
/** Argument checks reporting as `@nlpkit/ngram`. */
export const check = validators(PKG);

/**
 * Training or evaluation input that cannot be used: a sentence that is not an array of tokens, a token that is
 * not a string or a `Token`, an empty token, a reserved marker (`<s>`, `</s>`, `<pad>`) spelled inside a
 * sentence (code `ERR_NGRAM_INPUT`). `line` is the 1-based sentence (line) number where the problem was found.
 */
export class NgramInputError extends InvalidArgumentError {
  /** 1-based sentence (line) number of the offending input, when there is one. */
  readonly line: number | undefined;

  constructor(options: NlpkitErrorOptions & { readonly line?: number }) {
    super(options, 'ERR_NGRAM_INPUT');
    this.line = options.line;
  }
}

/**
 * A malformed ARPA file (code `ERR_ARPA_FORMAT`), thrown by {@link readArpa}. The message names the problem and
 * `line` is the 1-based line number in the ARPA text where it was detected.
 */
export class ArpaFormatError extends FormatError {
  constructor(message: string, line: number) {
    super({ package: PKG, message: `ARPA line ${line}: ${message}`, line }, 'ERR_ARPA_FORMAT');
  }
}

/**
 * Bytes that are not a model written by {@link toBinaryModel} (code `ERR_BINARY_MODEL_FORMAT`), thrown by
 * {@link loadBinaryModel}.
 */
export class BinaryModelFormatError extends FormatError {
  constructor(message: string) {
    super({ package: PKG, message: `binary model: ${message}` }, 'ERR_BINARY_MODEL_FORMAT');
  }
}

/**
 * A malformed or truncated stupid-backoff file (code `ERR_STUPID_BACKOFF_FORMAT`), thrown by `readStupidBackoff`:
 * `argument` is `stupid-backoff line L`, with what was `expected` there and what was found.
 */
export class StupidBackoffFormatError extends FormatError {
  constructor(line: number, expected: string, found: string) {
    super({ package: PKG, argument: `stupid-backoff line ${line}`, expected, foundText: found, line }, 'ERR_STUPID_BACKOFF_FORMAT');
  }
}

/** Formats {@link WrongFormatError} recognizes. */
export type DetectedFormat = 'gzip' | 'ngram-binary' | 'kenlm-binary' | 'binary' | 'arpa' | 'stupid-backoff';

/**
 * Input in another format than the reader's (code `ERR_WRONG_FORMAT`): gzip data, a binary model given to the ARPA
 * reader, ARPA text given to {@link loadBinaryModel}, other binary data. `format` names what the input is.
 */
export class WrongFormatError extends FormatError {
  /** What the input looks like. */
  readonly format: DetectedFormat;

  constructor(format: DetectedFormat, message: string, line?: number) {
    super({ package: PKG, message, ...(line === undefined ? {} : { line }) }, 'ERR_WRONG_FORMAT');
    this.format = format;
  }
}

/** Validates an n-gram order (an integer from 1 to `max`), with the same message for every estimator. */
export function checkOrder(order: unknown, max = 10, argument = 'options.order'): number {
  return check.integer(order, argument, 1, max);
}

/** Validates a finite number > 0. */
export function positive(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw check.invalid(value, argument, 'a positive number');
  return value;
}
