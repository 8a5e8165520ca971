import * as tf from '@tensorflow/tfjs-core';
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

/**
 * Why the guard: tfjs-backend-webgpu reads synchronously through a canvas, and in headless Chromium on the
 * SwiftShader adapter that read returns zeros without an error — and caches them, so a later `await data()` of
 * the same tensor returns zeros too. A comparison against zeros would then pass for the wrong reason.
 */
function readSync(x: Tensor): number[] {
  if (tf.getBackend() === 'webgpu') {
    assert.fail('expectClose: a tensor cannot be read synchronously on webgpu (headless Chromium reads zeros); use expectCloseAsync');
  }
  return Array.from(x.dataSync() as ArrayLike<number>);
}

function flatten(x: Numeric): number[] {
  if (isTensor(x)) return readSync(x);
  if (typeof x === 'number') return [x];
  if (Array.isArray(x)) return (x as NestedNumbers).flatMap((v) => flatten(v as Numeric));
  return Array.from(x as ArrayLike<number>);
}

/**
 * Asserts that two numeric values agree elementwise within `atol + rtol·|expected|` (defaults 1e-5 / 1e-5).
 * Shapes must match when both sides have one; NaN matches only NaN. Fails (a vitest assertion error) naming the
 * worst element (and `what`, when given). On webgpu pass tensors to {@link expectCloseAsync} instead.
 */
export function expectClose(actual: Numeric, expected: Numeric, tolerance: Tolerance = {}, what?: string): void {
  const { atol = 1e-5, rtol = 1e-5 } = tolerance;
  const where = what === undefined ? 'expectClose' : `expectClose (${what})`;
  const sa = shapeOf(actual);
  const se = shapeOf(expected);
  if (sa !== undefined && se !== undefined && JSON.stringify(sa) !== JSON.stringify(se)) {
    assert.fail(`${where}: shapes differ: expected [${se.join(', ')}], got [${sa.join(', ')}]`);
  }
  const a = flatten(actual);
  const e = flatten(expected);
  if (a.length !== e.length) assert.fail(`${where}: expected ${e.length} elements, got ${a.length}`);
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
      `${where}: element ${worst} is ${a[worst]}, expected ${e[worst]} (|diff| ${Math.abs(a[worst]! - e[worst]!)} > ` +
        `atol ${atol} + rtol ${rtol}·|expected|); max |diff| over ${a.length} elements: ${maxAbs}`,
    );
  }
}

/** A tensor's values read asynchronously (the only read-back every backend supports), anything else as is. */
async function settle(x: Numeric): Promise<Numeric> {
  if (!isTensor(x)) return x;
  // Nested arrays carry the shape on to expectClose's shape check; a scalar comes back as a number.
  return (await x.array()) as NestedNumbers | number;
}

/**
 * {@link expectClose} for every backend, webgpu included: tensors are read with `await tensor.data()` rather than
 * `dataSync()`, which a GPU backend may not support. Write numeric tests that run on webgpu with this.
 *
 * @example
 * ```ts
 * it('matches', async () => {
 *   const y = tf.tidy(() => tf.keep(model(x)));
 *   await expectCloseAsync(y, expected, { atol: 1e-5 }, 'logits');
 *   y.dispose();
 * });
 * ```
 */
export async function expectCloseAsync(actual: Numeric, expected: Numeric, tolerance: Tolerance = {}, what?: string): Promise<void> {
  expectClose(await settle(actual), await settle(expected), tolerance, what);
}
