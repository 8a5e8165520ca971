import { InvalidArgumentError, UnknownNameError } from './errors.js';

/**
 * Argument checks that throw nlpkit errors with one message style. Every check takes the value first, then the
 * argument's name (as Node's own validators do), returns the value narrowed, and names the package that asked.
 * Build one set per package with {@link validators}.
 */
export interface Validators {
  /** The package these checks report as, e.g. `'@nlpkit/text'`. */
  readonly package: string;
  /** A string (any length). */
  string(value: unknown, argument: string): string;
  /** A boolean. */
  boolean(value: unknown, argument: string): boolean;
  /** A finite number in [min, max] (defaults: any finite number). */
  number(value: unknown, argument: string, min?: number, max?: number): number;
  /** A safe integer in [min, max] (defaults: any safe integer). */
  integer(value: unknown, argument: string, min?: number, max?: number): number;
  /** An array (items unchecked). */
  array(value: unknown, argument: string): readonly unknown[];
  /** One of `allowed` (strings or numbers), else an {@link UnknownNameError}. */
  oneOf<T extends string | number>(value: unknown, argument: string, allowed: readonly T[]): T;
  /** A plain object whose keys are all in `allowed` (catches misspelt options), or `undefined` (→ `{}`). */
  options<T extends object>(value: T | undefined, argument: string, allowed: readonly (keyof T & string)[]): T;
  /** An {@link InvalidArgumentError} for `argument` with `expected` and the value found. */
  invalid(value: unknown, argument: string, expected: string): InvalidArgumentError;
}

function range(min: number, max: number, what: string): string {
  if (min === -Infinity && max === Infinity) return what === 'integer' ? 'an integer' : 'a finite number';
  const a = what === 'integer' ? 'an integer' : 'a number';
  if (max === Infinity || max === Number.MAX_SAFE_INTEGER) return `${a} ≥ ${min}`;
  if (min === -Infinity || min === Number.MIN_SAFE_INTEGER) return `${a} ≤ ${max}`;
  return `${a} from ${min} to ${max}`;
}

/**
 * The argument checks for one package.
 *
 * @example
 * const check = validators('@nlpkit/ngram');
 * const order = check.integer(options.order, 'options.order', 1, 10);
 * // → InvalidArgumentError: @nlpkit/ngram: options.order must be an integer from 1 to 10, got 0
 */
export function validators(packageName: string): Validators {
  const invalid = (value: unknown, argument: string, expected: string): InvalidArgumentError =>
    new InvalidArgumentError({ package: packageName, argument, expected, found: value });
  return {
    package: packageName,
    invalid,
    string(value, argument) {
      if (typeof value !== 'string') throw invalid(value, argument, 'a string');
      return value;
    },
    boolean(value, argument) {
      if (typeof value !== 'boolean') throw invalid(value, argument, 'a boolean');
      return value;
    },
    number(value, argument, min = -Infinity, max = Infinity) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
        throw invalid(value, argument, range(min, max, 'number'));
      }
      return value;
    },
    integer(value, argument, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
        throw invalid(value, argument, range(min, max, 'integer'));
      }
      return value;
    },
    array(value, argument) {
      if (!Array.isArray(value)) throw invalid(value, argument, 'an array');
      return value;
    },
    oneOf<T extends string | number>(value: unknown, argument: string, allowed: readonly T[]): T {
      if (!(allowed as readonly unknown[]).includes(value)) {
        throw new UnknownNameError({ package: packageName, argument, allowed, found: value });
      }
      return value as T;
    },
    options<T extends object>(value: T | undefined, argument: string, allowed: readonly (keyof T & string)[]): T {
      if (value === undefined) return {} as T;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(value, argument, 'an object');
      for (const key of Object.keys(value)) {
        if (!(allowed as readonly string[]).includes(key)) {
          throw new InvalidArgumentError({
            package: packageName,
            argument: `${argument}.${key}`,
            expected: `absent (known options: ${allowed.join(', ')})`,
            foundText: 'an unknown option',
          });
        }
      }
      return value;
    },
  };
}
