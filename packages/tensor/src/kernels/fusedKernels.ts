import * as tf from '@tensorflow/tfjs-core';
import type { BackendValues, DataId, DataType, NamedAttrMap, NamedTensorInfoMap, Tensor, Tensor1D, Tensor2D, TensorInfo } from '@tensorflow/tfjs-core';
import { columnSums, gemm, matrixView } from './gemm.js';
import { softmaxXentGrad, softmaxXentRows } from './softmaxXent.js';

/**
 * Kernels of our own for tfjs-backend-cpu, under names of our own, so that only nlpkit's ops (`matMul`, `affine`,
 * `softmaxCrossEntropy`) use them: tfjs's stock kernels (and tfjs-layers, which runs on them) are left exactly as
 * they were.
 *
 * Why: the cpu backend runs plain JavaScript and its MatMul and Softmax kernels dominate an LM training step
 * (the three 700 × 200 × 10k softmax matmuls alone took ~15 s of a ~45 s step). Gradients are not registered
 * for these names: each is called inside a `tf.customGrad` whose gradient calls the kernels again.
 */
const MATMUL = 'NlpkitMatMul';
const COLUMN_SUM = 'NlpkitColumnSum';
const XENT = 'NlpkitSoftmaxXent';
const XENT_GRAD = 'NlpkitSoftmaxXentGrad';

/** The part of tfjs-backend-cpu's `MathBackendCPU` these kernels use (typed structurally: no import of it). */
interface CpuBackend {
  readSync(dataId: DataId): BackendValues;
  makeTensorInfo(shape: number[], dtype: DataType, values?: BackendValues): TensorInfo;
}

type Kernel = (inputs: NamedTensorInfoMap, backend: CpuBackend, attrs: NamedAttrMap) => TensorInfo | TensorInfo[];

const read = (backend: CpuBackend, t: TensorInfo | undefined): Float32Array => backend.readSync((t as TensorInfo).dataId) as Float32Array;

const KERNELS: Record<string, Kernel> = {
  [MATMUL]: (inputs, backend, attrs) => {
    const { a, b, bias } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
    const tA = attrs['transposeA'] === true;
    const tB = attrs['transposeB'] === true;
    const [ar, ac] = a.shape as [number, number];
    const [br, bc] = b.shape as [number, number];
    const [M, K, N] = [tA ? ac : ar, tA ? ar : ac, tB ? br : bc];
    const out = new Float32Array(M * N);
    const biasValues = bias === undefined ? undefined : read(backend, bias);
    gemm(M, N, K, matrixView(read(backend, a), ac, tA), matrixView(read(backend, b), bc, tB), out, biasValues);
    return backend.makeTensorInfo([M, N], 'float32', out);
  },
  [COLUMN_SUM]: (inputs, backend) => {
    const [rows, cols] = (inputs['x'] as TensorInfo).shape as [number, number];
    return backend.makeTensorInfo([cols], 'float32', columnSums(read(backend, inputs['x']), rows, cols));
  },
  [XENT]: (inputs, backend, attrs) => {
    const [N, V] = (inputs['logits'] as TensorInfo).shape as [number, number];
    const targets = backend.readSync((inputs['targets'] as TensorInfo).dataId) as Int32Array;
    const probs = new Float32Array(N * V);
    const rows = softmaxXentRows(read(backend, inputs['logits']), targets, N, V, attrs['eps'] as number, probs);
    return [backend.makeTensorInfo([N, V], 'float32', probs), backend.makeTensorInfo([N], 'float32', rows)];
  },
  [XENT_GRAD]: (inputs, backend, attrs) => {
    const [N, V] = (inputs['probs'] as TensorInfo).shape as [number, number];
    const targets = backend.readSync((inputs['targets'] as TensorInfo).dataId) as Int32Array;
    const grad = softmaxXentGrad(read(backend, inputs['probs']), targets, read(backend, inputs['scale']), N, V, attrs['eps'] as number);
    return backend.makeTensorInfo([N, V], 'float32', grad);
  },
};

/**
 * Makes nlpkit's fused kernels available on the active backend, if it has any, and says whether it does.
 * Today that is the `cpu` backend (tfjs-backend-cpu, plain JavaScript), where a packed matmul, a fused
 * matmul + bias and a one-pass softmax cross-entropy replace tfjs's op-by-op kernels; other backends keep tfjs's
 * own kernels and this returns false. Registration lives in tfjs's kernel registry (no state of our own), happens
 * on first call (never at import time) and is idempotent, so ops call it on every use.
 *
 * Model packages need not call it: {@link matMul}, {@link affine} and {@link softmaxCrossEntropy} do.
 * @returns true when the fused kernels are active on the current backend
 */
export function registerFusedKernels(): boolean {
  if (tf.getBackend() !== 'cpu') return false;
  for (const [kernelName, kernel] of Object.entries(KERNELS)) {
    if (tf.getKernel(kernelName, 'cpu') === undefined) {
      tf.registerKernel({
        kernelName,
        backendName: 'cpu',
        kernelFunc: ({ inputs, backend, attrs }) => kernel(inputs, backend as CpuBackend, attrs ?? {}),
      });
    }
  }
  return true;
}

/** `op(a) · op(b) (+ bias)` on the cpu kernel, op = transpose when asked; no gradient (use inside customGrad). */
export function cpuMatMul(a: Tensor2D, b: Tensor2D, transposeA = false, transposeB = false, bias?: Tensor1D): Tensor2D {
  const inputs: Record<string, Tensor> = bias === undefined ? { a, b } : { a, b, bias };
  return tf.engine().runKernel(MATMUL, inputs, { transposeA, transposeB });
}

/** Column sums of `x: [rows, cols]` on the cpu kernel; no gradient. */
export function cpuColumnSum(x: Tensor2D): Tensor1D {
  return tf.engine().runKernel(COLUMN_SUM, { x });
}

/** Softmax probabilities `[N, V]` and per-row label-smoothed losses `[N]` on the cpu kernel; no gradient. */
export function cpuSoftmaxXent(logits: Tensor2D, targets: Tensor1D, eps: number): [Tensor2D, Tensor1D] {
  return tf.engine().runKernel(XENT, { logits, targets }, { eps });
}

/** `(probs − q) · scale` (q the smoothed one-hot targets) on the cpu kernel; no gradient. */
export function cpuSoftmaxXentGrad(probs: Tensor2D, targets: Tensor1D, scale: Tensor1D, eps: number): Tensor2D {
  return tf.engine().runKernel(XENT_GRAD, { probs, targets, scale }, { eps });
}
