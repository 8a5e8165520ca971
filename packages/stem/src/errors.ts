/**
 * Errors thrown by `@nlpkit/stem`: messages name the package, the argument, what was expected and what was found.
 */

/** Describes a value for an error message without dumping large inputs. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'undefined') return 'undefined';
  return `an ${typeof value}`;
}

/** A language (or algorithm) name that has no stemmer. */
export class UnknownLanguageError extends RangeError {
  constructor(argument: string, expected: readonly string[], found: unknown) {
    super(`@nlpkit/stem: ${argument} must be one of ${expected.join(', ')}, got ${describe(found)}`);
    this.name = 'UnknownLanguageError';
  }
}

/** Throws a TypeError unless `value` is a string. */
export function expectWord(value: unknown, argument = 'word'): asserts value is string {
  if (typeof value !== 'string') {
    throw new TypeError(`@nlpkit/stem: ${argument} must be a string, got ${describe(value)}`);
  }
}
