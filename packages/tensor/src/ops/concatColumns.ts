import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@nlpkit/core';
import { PKG } from '../errors.js';
import { splitColumns } from './splitColumns.js';

/**
 * Concatenates `parts` along their last axis (a matrix's columns; every other dimension equal), like
 * `tf.concat(parts, -1)`; differentiable, and its gradient is {@link splitColumns} of the gradient (as a
 * `[rows, columns]` matrix).
 *
 * Why: tfjs's Concat gradient is SplitV, which on the wasm backend copies the whole gradient out to JavaScript
 * once per part; a bidirectional layer's `[fw; bw]` outputs and a tagger's `[words; characters]` features paid
 * that in every training step. The forward pass is tfjs's Concat (in place on every backend).
 */
export function concatColumns<T extends Tensor>(parts: readonly T[]): T {
  const first = parts[0];
  if (first === undefined || first.rank === 0) {
    throw new InvalidArgumentError({ package: PKG, argument: 'parts', expected: 'one or more tensors of rank ≥ 1', foundText: first === undefined ? 'none' : 'a scalar' });
  }
  const lead = first.shape.slice(0, -1);
  parts.forEach((p, i) => {
    if (p.rank !== first.rank || p.shape.slice(0, -1).some((d, j) => d !== lead[j])) {
      throw new InvalidArgumentError({
        package: PKG,
        argument: `parts[${i}]`,
        expected: `shape [${[...lead, '·'].join(', ')}] (parts[0]'s but for the last axis)`,
        foundText: `[${p.shape.join(', ')}]`,
      });
    }
  });
  if (parts.length === 1) return tf.clone(first);
  const rows = lead.reduce((a, b) => a * b, 1);
  const widths = parts.map((p) => p.shape[p.rank - 1] as number);
  const total = widths.reduce((a, b) => a + b, 0);
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const xs = args.slice(0, parts.length) as Tensor[];
    return {
      value: tf.concat(xs, -1),
      gradFunc: (dy: Tensor) =>
        splitColumns(tf.reshape(dy, [rows, total]) as Tensor2D, widths).map((g, i) => tf.reshape(g, (xs[i] as Tensor).shape)),
    };
  });
  return op(...parts) as T;
}
