/**
 * Errors thrown by `@nlpkit/metrics`. Every message names the package, the argument, what was expected and what
 * was found, so a failure deep inside an evaluation script still says which call went wrong.
 */

/** Describes a value for an error message without dumping large inputs. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'undefined') return 'undefined';
  if (typeof value === 'function') return 'a function';
  return `an ${typeof value}`;
}

/** Two inputs that must line up (hypotheses and a reference stream, gold and predicted tags) differ in length. */
export class LengthMismatchError extends RangeError {
  /** How many items were expected (the length of the input the other one must match). */
  readonly expected: number;
  /** How many items were found. */
  readonly found: number;

  constructor(argument: string, expected: number, found: number, what = 'items') {
    super(`@nlpkit/metrics: ${argument} must hold ${expected} ${what}, got ${found}`);
    this.name = 'LengthMismatchError';
    this.expected = expected;
    this.found = found;
  }
}

/** A name (tokenizer, smoothing method, tagging scheme, average, mode) that this package does not know. */
export class UnknownNameError extends RangeError {
  constructor(argument: string, expected: readonly string[], found: unknown) {
    super(`@nlpkit/metrics: ${argument} must be one of ${expected.join(', ')}, got ${describe(found)}`);
    this.name = 'UnknownNameError';
  }
}

/** A number is out of its allowed range or not finite (a NaN log-probability, a negative n-gram order). */
export class InvalidNumberError extends RangeError {
  constructor(argument: string, expected: string, found: unknown) {
    super(`@nlpkit/metrics: ${argument} must be ${expected}, got ${describe(found)}`);
    this.name = 'InvalidNumberError';
  }
}

/** A tag that the chosen tagging scheme does not allow (strict entity mode), or that is not a tag at all. */
export class InvalidTagError extends SyntaxError {
  constructor(argument: string, expected: string, found: unknown) {
    super(`@nlpkit/metrics: ${argument} must be ${expected}, got ${describe(found)}`);
    this.name = 'InvalidTagError';
  }
}

/** A metric was asked for a score before it saw any input. */
export class EmptyInputError extends RangeError {
  constructor(argument: string) {
    super(`@nlpkit/metrics: ${argument} must hold at least one item, got none`);
    this.name = 'EmptyInputError';
  }
}

/** Throws a TypeError unless `value` is a string. */
export function expectString(argument: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw new TypeError(`@nlpkit/metrics: ${argument} must be a string, got ${describe(value)}`);
  }
}

/** Throws a TypeError unless `value` is an array. */
export function expectArray(argument: string, value: unknown): asserts value is readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`@nlpkit/metrics: ${argument} must be an array, got ${describe(value)}`);
  }
}

/** Throws an InvalidNumberError unless `value` is an integer in [min, max]. */
export function expectInteger(argument: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new InvalidNumberError(argument, range, value);
  }
  return value;
}

/** Throws an UnknownNameError unless `value` is one of `allowed`. */
export function expectOneOf<T extends string>(argument: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new UnknownNameError(argument, allowed, value);
  }
  return value as T;
}
