/**
 * Thrown when training or evaluation input is unusable: an empty corpus, a token that is not a string, a reserved
 * marker spelled inside a sentence. `line` is the 1-based sentence (line) number where the problem was found, or
 * `undefined` when the problem concerns the corpus as a whole.
 */
export class NgramInputError extends Error {
  /** 1-based sentence (line) number of the offending input, when there is one. */
  readonly line: number | undefined;

  constructor(message: string, line?: number) {
    super(message);
    this.name = 'NgramInputError';
    this.line = line;
  }
}

/**
 * Thrown by {@link readArpa} for a malformed ARPA file. The message names the problem and `line` is the 1-based
 * line number in the ARPA text where it was detected.
 */
export class ArpaFormatError extends Error {
  /** 1-based line number in the ARPA text. */
  readonly line: number;

  constructor(message: string, line: number) {
    super(`@nlpkit/ngram: ARPA line ${line}: ${message}`);
    this.name = 'ArpaFormatError';
    this.line = line;
  }
}

/** Thrown by {@link loadBinaryModel} for bytes that are not a model written by {@link toBinaryModel}. */
export class BinaryModelFormatError extends Error {
  constructor(message: string) {
    super(`@nlpkit/ngram: binary model: ${message}`);
    this.name = 'BinaryModelFormatError';
  }
}

/**
 * Validates an n-gram order argument, shared by every estimator so the message is the same everywhere.
 * @throws RangeError when `order` is not an integer from 1 to `max`.
 */
export function checkOrder(order: unknown, max = 10, name = 'order'): number {
  if (typeof order !== 'number' || !Number.isInteger(order) || order < 1 || order > max) {
    throw new RangeError(`@nlpkit/ngram: ${name} must be an integer from 1 to ${max}, got ${describe(order)}`);
  }
  return order;
}

/** Short description of a value for error messages: its value when primitive, else its type. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
