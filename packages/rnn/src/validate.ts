import type { Tensor } from '@tensorflow/tfjs-core';
import { RnnDtypeError, RnnLengthError, RnnOptionError, RnnShapeError } from './errors.js';

// Checks that throw this package's own error classes (core's `validators` throw the generic ones). Like core's,
// they take the value first, then the argument's name.

/** Throws {@link RnnShapeError} unless `t` has rank `rank`; `dims` entries that are numbers must match exactly. */
export function checkShape(
  t: Tensor,
  arg: string,
  dims: readonly (number | null)[],
  names?: readonly string[],
): void {
  const shape = t.shape;
  const ok = shape.length === dims.length && dims.every((d, i) => d === null || shape[i] === d);
  if (!ok) {
    const expected = `[${dims.map((d, i) => names?.[i] ?? (d === null ? '?' : String(d))).join(', ')}]`;
    throw new RnnShapeError({ argument: arg, expected: `of shape ${expected}`, foundText: `[${shape.join(', ')}]` });
  }
}

/** Throws {@link RnnDtypeError} unless `t` has dtype `dtype`. */
export function checkDtype(t: Tensor, arg: string, dtype: 'float32' | 'int32'): void {
  if (t.dtype !== dtype) throw new RnnDtypeError({ argument: arg, expected: `a ${dtype} tensor`, foundText: t.dtype });
}

/** Throws {@link RnnOptionError} when `options` holds a key outside `known` (typos must not pass silently). */
export function checkKeys(options: object | undefined, arg: string, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') throw new RnnOptionError({ argument: arg, expected: 'an object', found: options });
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new RnnOptionError({ argument: `${arg}.${key}`, expected: `absent (known options: ${known.join(', ')})`, foundText: 'an unknown option' });
    }
  }
}

/** Throws {@link RnnOptionError} unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(value: unknown, arg: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new RnnOptionError({ argument: arg, expected: `one of ${allowed.join(', ')}`, found: value });
  }
  return value as T;
}

/** Throws {@link RnnOptionError} unless `value` is a finite number in `[min, max]` (integer when asked). */
export function checkNumber(value: unknown, arg: string, min: number, max: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new RnnOptionError({ argument: arg, expected: `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`, found: value });
  }
  return value;
}

/**
 * Validates per-sequence lengths against the batch and time axes and returns them as a plain array. Takes what
 * `padSequences` from `@nlpkit/text` returns as `lengths` (a `number[]`), or any array-like such as an Int32Array.
 */
export function checkLengths(lengths: ArrayLike<number>, batch: number, steps: number): number[] {
  if (lengths === null || typeof lengths !== 'object' || typeof lengths.length !== 'number') {
    throw new RnnLengthError({ argument: 'lengths', expected: 'an array of integers (e.g. padSequences(...).lengths)', found: lengths });
  }
  if (lengths.length !== batch) {
    throw new RnnShapeError({
      argument: 'lengths',
      expected: `one entry per batch row (${batch})`,
      foundText: String(lengths.length),
      message: `lengths must have one entry per batch row (${batch}), got ${lengths.length}`,
    });
  }
  return Array.from(lengths, (len, i) => {
    if (!Number.isInteger(len) || len < 0 || len > steps) {
      throw new RnnLengthError({ argument: `lengths[${i}]`, expected: `an integer from 0 to the time axis ${steps}`, found: len });
    }
    return len;
  });
}
