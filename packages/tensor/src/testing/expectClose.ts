import type { Tensor } from '@tensorflow/tfjs-core';
import { assert } from 'vitest';

/** Anything `expectClose` can compare: a tensor, a typed array, nested number arrays or a number. */
export type Numeric = Tensor | ArrayLike<number> | NestedNumbers | number;
/** Nested arrays of numbers. */
export type NestedNumbers = readonly (number | NestedNumbers)[];

/** Tolerances of `expectClose`: |actual − expected| ≤ atol + rtol·|expected| for every element. */
export interface Tolerance {
  readonly atol?: number;
  readonly rtol?: number;
}

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && typeof (x as Tensor).dataSync === 'function' && Array.isArray((x as Tensor).shape);
}

function shapeOf(x: Numeric): number[] | undefined {
  if (isTensor(x)) return [...x.shape];
  if (typeof x === 'number') return [];
  if (Array.isArray(x)) {
    const inner = x.length > 0 ? shapeOf(x[0] as Numeric) : [];
    return inner === undefined ? undefined : [x.length, ...inner];
  }
  return undefined; // typed arrays carry no shape: compare flat
}

function flatten(x: Numeric): number[] {
  if (isTensor(x)) return Array.from(x.dataSync() as ArrayLike<number>);
  if (typeof x === 'number') return [x];
  if (Array.isArray(x)) return (x as NestedNumbers).flatMap((v) => flatten(v as Numeric));
  return Array.from(x as ArrayLike<number>);
}

/**
 * Asserts that two numeric values agree elementwise within `atol + rtol·|expected|` (defaults 1e-5 / 1e-5).
 * Shapes must match when both sides have one; NaN matches only NaN. Fails (a vitest assertion error) naming the
 * worst element.
 */
export function expectClose(actual: Numeric, expected: Numeric, { atol = 1e-5, rtol = 1e-5 }: Tolerance = {}): void {
  const sa = shapeOf(actual);
  const se = shapeOf(expected);
  if (sa !== undefined && se !== undefined && JSON.stringify(sa) !== JSON.stringify(se)) {
    assert.fail(`expectClose: shapes differ: expected [${se.join(', ')}], got [${sa.join(', ')}]`);
  }
  const a = flatten(actual);
  const e = flatten(expected);
  if (a.length !== e.length) assert.fail(`expectClose: expected ${e.length} elements, got ${a.length}`);
  let worst = -1;
  let worstExcess = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      worst = i;
      worstExcess = Infinity;
      break;
    }
    if (x === y) continue; // also covers equal infinities
    const diff = Math.abs(x - y);
    maxAbs = Math.max(maxAbs, diff);
    const excess = diff - (atol + rtol * Math.abs(y));
    if (excess > worstExcess || (excess > 0 && worst < 0)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    assert.fail(
      `expectClose: element ${worst} is ${a[worst]}, expected ${e[worst]} (|diff| ${Math.abs(a[worst]! - e[worst]!)} > ` +
        `atol ${atol} + rtol ${rtol}·|expected|); max |diff| over ${a.length} elements: ${maxAbs}`,
    );
  }
}
