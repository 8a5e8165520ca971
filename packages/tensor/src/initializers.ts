import { eye, mul, scalar, type Tensor, tensor, tidy } from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, type Rng } from '@nlpkit/core';
import { PKG } from './errors.js';

/** A tensor shape: non-negative integers. */
export type Shape = readonly number[];

function checkShape(shape: Shape, fn: string): number {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new InvalidArgumentError({ package: PKG, argument: `${fn} shape`, expected: 'an array of non-negative integers', found: shape });
  }
  return shape.reduce((a, b) => a * b, 1);
}

/** Fan-in and fan-out of a weight of `shape`, as PyTorch computes them (receptive field = trailing dims). */
export function fans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new ShapeError({ package: PKG, argument: 'fans shape', expected: 'of rank 2 or more', foundText: `rank ${shape.length}` });
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** A float32 tensor of uniform values in [low, high), drawn from `rng` (deterministic across backends). */
export function uniform(shape: Shape, rng: Rng, low = 0, high = 1): Tensor {
  const size = checkShape(shape, 'uniform');
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) {
    throw new InvalidArgumentError({ package: PKG, argument: 'uniform low, high', expected: 'finite numbers with low <= high', foundText: `low=${low}, high=${high}` });
  }
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = low + (high - low) * rng.next();
  return tensor(values, [...shape], 'float32');
}

/** A float32 tensor of normal values, drawn from `rng`. */
export function normal(shape: Shape, rng: Rng, mean = 0, std = 1): Tensor {
  const size = checkShape(shape, 'normal');
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.normal(mean, std);
  return tensor(values, [...shape], 'float32');
}

/** Glorot/Xavier uniform: U(±gain·√(6 / (fanIn + fanOut))). Symmetric in the two dimensions of a matrix. */
export function glorotUniform(shape: Shape, rng: Rng, gain = 1): Tensor {
  checkShape(shape, 'glorotUniform');
  const { fanIn, fanOut } = fans(shape);
  const limit = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(shape, rng, -limit, limit);
}

/** PyTorch's default for RNN weights and biases: U(±1/√hiddenSize). */
export function rnnUniform(shape: Shape, hiddenSize: number, rng: Rng): Tensor {
  if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) {
    throw new InvalidArgumentError({ package: PKG, argument: 'hiddenSize', expected: 'a positive integer', found: hiddenSize });
  }
  const k = 1 / Math.sqrt(hiddenSize);
  return uniform(shape, rng, -k, k);
}

/** `gain` times the n×n identity (Le et al. 2015's initialisation for ReLU RNNs). */
export function identity(n: number, gain = 1): Tensor {
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError({ package: PKG, argument: 'n', expected: 'a positive integer', found: n });
  return tidy(() => (gain === 1 ? eye(n) : mul(eye(n), scalar(gain))));
}

/**
 * A (semi-)orthogonal matrix (Saxe et al. 2014), as PyTorch's `orthogonal_`: QR of a normal matrix with the signs
 * of R's diagonal folded into Q, so the result is uniformly distributed. Shapes of rank > 2 are flattened to
 * `[shape[0], rest]`.
 */
export function orthogonal(shape: Shape, rng: Rng, gain = 1): Tensor {
  const size = checkShape(shape, 'orthogonal');
  if (shape.length < 2) {
    throw new ShapeError({ package: PKG, argument: 'orthogonal shape', expected: 'of rank 2 or more', found: shape });
  }
  const rows = shape[0]!;
  const cols = size / Math.max(rows, 1);
  // Work on a tall m×n matrix (m >= n); transpose back at the end when rows < cols.
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const a = new Float64Array(m * n); // column-major: column j at a[j*m .. j*m+m)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = rng.normal();
      if (tall) a[j * m + i] = v;
      else a[i * m + j] = v;
    }
  }
  // Modified Gram-Schmidt, applied twice for orthogonality to machine precision.
  for (let j = 0; j < n; j++) {
    let rjj = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += a[k * m + i]! * a[j * m + i]!;
        for (let i = 0; i < m; i++) a[j * m + i]! -= dot * a[k * m + i]!;
      }
    }
    for (let i = 0; i < m; i++) rjj += a[j * m + i]! ** 2;
    rjj = Math.sqrt(rjj);
    for (let i = 0; i < m; i++) a[j * m + i] = a[j * m + i]! / rjj;
  }
  const out = new Float32Array(size);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (tall ? a[j * m + i]! : a[i * m + j]!);
  }
  return tensor(out, [...shape], 'float32');
}
