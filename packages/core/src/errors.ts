import { describeValue } from './describeValue.js';

/** Details of an {@link NlpkitError}; every field but `code`, `package` and `message` or `expected` is optional. */
export interface NlpkitErrorOptions {
  /** The publishing package, e.g. `'@nlpkit/ngram'`; it starts the message. */
  readonly package: string;
  /** The argument, option or input position that was wrong, e.g. `'options.order'` or `'sentence 3, token 2'`. */
  readonly argument?: string;
  /** What was expected, phrased to follow "must be": `'an integer from 1 to 10'`. */
  readonly expected?: string;
  /**
   * What was found. Given as `found` (the value, described with {@link describeValue}) or, when the description
   * needs words of its own, as `foundText`.
   */
  readonly found?: unknown;
  /** Overrides the description of `found`, e.g. `'3 items'`. */
  readonly foundText?: string;
  /** The whole message after the package prefix, when it does not read "X must be Y, got Z". */
  readonly message?: string;
  /** The error that caused this one. */
  readonly cause?: unknown;
}

/**
 * The base class of every error an nlpkit package throws. Each error has a stable `code` to branch on (messages
 * may be reworded; codes are not), the `package` that threw it, and — where one argument was at fault — the
 * `argument`, what was `expected` and what was `found`. The message always reads
 * `@nlpkit/<package>: <argument> must be <expected>, got <found>` unless a free-form message was given.
 *
 * Subclasses add nothing but a default code and sometimes a field (a line number, a length): catch this class to
 * handle any nlpkit error, or a subclass for one kind.
 *
 * @example
 * try { estimateKneserNey(sentences, { order: 0 }) } catch (e) {
 *   if (e instanceof NlpkitError && e.code === 'ERR_INVALID_ARGUMENT') console.error(e.argument, e.expected);
 * }
 */
export class NlpkitError extends Error {
  /** Stable machine-readable code, e.g. `'ERR_INVALID_ARGUMENT'`. */
  readonly code: string;
  /** The package that threw, e.g. `'@nlpkit/ngram'`. */
  readonly package: string;
  /** The argument (or input position) at fault, when there is one. */
  readonly argument: string | undefined;
  /** What was expected, when known. */
  readonly expected: string | undefined;
  /** A short description of what was found, when known. */
  readonly found: string | undefined;

  constructor(code: string, options: NlpkitErrorOptions) {
    const found =
      options.foundText ?? (Object.prototype.hasOwnProperty.call(options, 'found') ? describeValue(options.found) : undefined);
    super(`${options.package}: ${options.message ?? standardMessage(options.argument, options.expected, found)}`, {
      cause: options.cause,
    });
    this.name = new.target.name;
    this.code = code;
    this.package = options.package;
    this.argument = options.argument;
    this.expected = options.expected;
    this.found = found;
  }
}

function standardMessage(argument: string | undefined, expected: string | undefined, found: string | undefined): string {
  const subject = argument ?? 'the input';
  const must = expected === undefined ? `${subject} is not valid` : `${subject} must be ${expected}`;
  return found === undefined ? must : `${must}, got ${found}`;
}

/** An argument or option has the wrong type or a value outside its domain (code `ERR_INVALID_ARGUMENT`). */
export class InvalidArgumentError extends NlpkitError {
  constructor(options: NlpkitErrorOptions, code = 'ERR_INVALID_ARGUMENT') {
    super(code, options);
  }
}

/** A name (scheme, tokenizer, backend, smoothing method) that is not one of the known ones (code `ERR_UNKNOWN_NAME`). */
export class UnknownNameError extends NlpkitError {
  /** The names that would have been accepted. */
  readonly allowed: readonly string[];

  constructor(
    options: Omit<NlpkitErrorOptions, 'expected'> & { readonly allowed: readonly (string | number)[] },
    code = 'ERR_UNKNOWN_NAME',
  ) {
    const allowed = options.allowed.map(String);
    super(code, { ...options, expected: `one of ${allowed.join(', ')}` });
    this.allowed = allowed;
  }
}

/** Two inputs that must line up (hypotheses and references, gold and predicted tags) differ in length (`ERR_LENGTH_MISMATCH`). */
export class LengthMismatchError extends NlpkitError {
  /** The length the input had to have. */
  readonly expectedLength: number;
  /** The length it had. */
  readonly foundLength: number;

  constructor(
    options: {
      readonly package: string;
      readonly argument: string;
      readonly expectedLength: number;
      readonly foundLength: number;
      /** What the items are, for the message (default `'items'`). */
      readonly items?: string;
    },
    code = 'ERR_LENGTH_MISMATCH',
  ) {
    const items = options.items ?? 'items';
    super(code, {
      package: options.package,
      argument: options.argument,
      expected: `${options.expectedLength} ${items}`,
      foundText: String(options.foundLength),
    });
    this.expectedLength = options.expectedLength;
    this.foundLength = options.foundLength;
  }
}

/**
 * An input that must not be empty (a corpus, a batch, a metric with no updates) is empty (code `ERR_EMPTY_INPUT`).
 * The message reads `<argument> must hold <expected>, got nothing`, `expected` defaulting to `at least one item`.
 */
export class EmptyInputError extends NlpkitError {
  constructor(
    options: Omit<NlpkitErrorOptions, 'expected' | 'found' | 'foundText'> & { readonly expected?: string },
    code = 'ERR_EMPTY_INPUT',
  ) {
    const expected = options.expected ?? 'at least one item';
    super(code, {
      ...options,
      expected,
      foundText: 'nothing',
      message: options.message ?? `${options.argument ?? 'the input'} must hold ${expected}, got nothing`,
    });
  }
}

/**
 * Data that does not follow its format: an ARPA or CoNLL line, a saved vocabulary, a checkpoint, a tokenizer.json
 * (code `ERR_FORMAT`). `line` is the 1-based line (or record) where the problem was seen, when there is one.
 */
export class FormatError extends NlpkitError {
  /** 1-based line or record number where the problem was found, when the data has lines. */
  readonly line: number | undefined;

  constructor(options: NlpkitErrorOptions & { readonly line?: number }, code = 'ERR_FORMAT') {
    super(code, options);
    this.line = options.line;
  }
}

/** A tensor (or array standing in for one) has the wrong rank, dimension or dtype (code `ERR_SHAPE`). */
export class ShapeError extends NlpkitError {
  constructor(options: NlpkitErrorOptions, code = 'ERR_SHAPE') {
    super(code, options);
  }
}

/** An operation is not possible in the current state or runtime: no backend, a closed stream (`ERR_UNSUPPORTED`). */
export class UnsupportedError extends NlpkitError {
  constructor(options: NlpkitErrorOptions, code = 'ERR_UNSUPPORTED') {
    super(code, options);
  }
}
