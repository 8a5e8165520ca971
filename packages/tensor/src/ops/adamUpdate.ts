import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import { wasmAdamStepInPlace } from '../kernels/wasmPointwise.js';
import { adamStep, checkAdamInputs, type AdamStepCoefficients } from './adamStep.js';

/**
 * One Adam update assigned to the variables themselves: `p`, `m` and `v` take {@link adamStep}'s values (the same
 * bits). On wasm without a gradient tape, when each of the three is the only tensor on its memory, the kernel
 * writes over them in place; otherwise it is `adamStep` followed by `assign`.
 *
 * Why: `adamStep` writes three fresh tensors, and for a large embedding the processor then reads the old ones,
 * reads the memory of the new ones before writing it, and writes it: in place, the lines it has just read are
 * written back. The Adam step of a 1 M-value table went from ~1.15 to ~0.9 ms on one core, and most of a
 * classifier's 4.4 M-value embedding update is that traffic.
 */
export function adamUpdate(p: Variable, g: Tensor, m: Variable, v: Variable, c1: Scalar, c2: Scalar, coefficients: AdamStepCoefficients): void {
  const gradScale = checkAdamInputs(p, g, m, v, coefficients);
  if (wasmAdamStepInPlace(p, g, m, v, c1, c2, { ...coefficients, gradScale })) return;
  const next = adamStep(p, g, m, v, c1, c2, coefficients);
  m.assign(next.m);
  v.assign(next.v);
  p.assign(next.p);
  tf.dispose([next.p, next.m, next.v]);
}
