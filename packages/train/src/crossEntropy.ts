import type { Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { EmptyInputError, ShapeError } from '@nlpkit/core';
import { softmaxCrossEntropy } from '@nlpkit/tensor';
import { check, PKG } from './errors.js';

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** `[N]` float32 weights, 1 for real tokens and 0 for padding; the loss averages over their sum. */
  mask?: Tensor1D;
  /** Label smoothing ε (Szegedy et al. 2016): the target is (1 − ε)·onehot + ε/V. Default 0. */
  labelSmoothing?: number;
}

function checkTensor(argument: string, t: Tensor, shape: readonly (number | null)[], dtype: 'float32' | 'int32', names: readonly string[]): void {
  if (t.shape.length !== shape.length || shape.some((d, i) => d !== null && t.shape[i] !== d)) {
    throw new ShapeError({ package: PKG, argument, expected: `of shape [${names.join(', ')}]`, foundText: `[${t.shape.join(', ')}]` });
  }
  if (t.dtype !== dtype) {
    throw new ShapeError({ package: PKG, argument, expected: `a ${dtype} tensor`, foundText: t.dtype }, 'ERR_DTYPE');
  }
}

/**
 * Mean token cross-entropy of `logits: [N, V]` against int32 `targets: [N]`, masked and optionally
 * label-smoothed: −Σᵢ mᵢ Σⱼ qᵢⱼ log pᵢⱼ / Σᵢ mᵢ with q = (1 − ε)·onehot + ε/V. Differentiable with respect to
 * the logits; runs as one fused op (`softmaxCrossEntropy` from `@nlpkit/tensor`) after checking its arguments.
 */
export function crossEntropy(logits: Tensor2D, targets: Tensor1D, options: CrossEntropyOptions = {}): Scalar {
  check.options(options, 'options', ['mask', 'labelSmoothing']);
  checkTensor('logits', logits, [null, null], 'float32', ['N', 'V']);
  const [N, V] = logits.shape;
  checkTensor('targets', targets, [N], 'int32', [`N=${N}`]);
  const eps = check.number(options.labelSmoothing ?? 0, 'options.labelSmoothing', 0, 1);
  if (options.mask !== undefined) checkTensor('options.mask', options.mask, [N], 'float32', [`N=${N}`]);
  if (N === 0) throw new EmptyInputError({ package: PKG, argument: 'logits', expected: 'at least one row' });
  if (V === 0) throw new EmptyInputError({ package: PKG, argument: 'logits', expected: 'at least one column' });
  return softmaxCrossEntropy(logits, targets, options.mask, eps);
}
