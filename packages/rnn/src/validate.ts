import type { Tensor } from '@tensorflow/tfjs-core';
import { PKG, RnnDtypeError, RnnLengthError, RnnOptionError, RnnShapeError } from './errors.js';

/** Throws {@link RnnShapeError} unless `t` has rank `rank`; `dims` entries that are numbers must match exactly. */
export function checkShape(
  arg: string,
  t: Tensor,
  dims: readonly (number | null)[],
  names?: readonly string[],
): void {
  const shape = t.shape;
  const expected = `[${dims.map((d, i) => names?.[i] ?? (d === null ? '?' : String(d))).join(', ')}]`;
  if (shape.length !== dims.length) {
    throw new RnnShapeError(`${PKG}: ${arg} must have shape ${expected}, got [${shape.join(', ')}]`);
  }
  dims.forEach((d, i) => {
    if (d !== null && shape[i] !== d) {
      throw new RnnShapeError(`${PKG}: ${arg} must have shape ${expected}, got [${shape.join(', ')}]`);
    }
  });
}

/** Throws {@link RnnDtypeError} unless `t` has dtype `dtype`. */
export function checkDtype(arg: string, t: Tensor, dtype: 'float32' | 'int32'): void {
  if (t.dtype !== dtype) throw new RnnDtypeError(`${PKG}: ${arg} must be a ${dtype} tensor, got ${t.dtype}`);
}

/** Throws {@link RnnOptionError} when `options` holds a key outside `known` (typos must not pass silently). */
export function checkKeys(arg: string, options: object | undefined, known: readonly string[]): void {
  if (options === undefined) return;
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new RnnOptionError(`${PKG}: ${arg} has unknown option "${key}", expected one of ${known.join(', ')}`);
    }
  }
}

/** Throws {@link RnnOptionError} unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(arg: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new RnnOptionError(`${PKG}: ${arg} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Throws {@link RnnOptionError} unless `value` is a finite number in `[min, max]` (integer when asked). */
export function checkNumber(arg: string, value: unknown, min: number, max: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'an integer' : 'a number';
    throw new RnnOptionError(`${PKG}: ${arg} must be ${kind} from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Validates per-sequence lengths against the batch and time axes; returns them as a plain array. */
export function checkLengths(lengths: readonly number[], batch: number, steps: number): number[] {
  if (lengths.length !== batch) {
    throw new RnnShapeError(`${PKG}: lengths must have one entry per batch row (${batch}), got ${lengths.length}`);
  }
  return lengths.map((len, i) => {
    if (!Number.isInteger(len) || len < 0 || len > steps) {
      throw new RnnLengthError(`${PKG}: lengths[${i}] must be an integer from 0 to the time axis ${steps}, got ${len}`);
    }
    return len;
  });
}
