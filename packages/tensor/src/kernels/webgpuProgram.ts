import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The slice of tfjs-backend-webgpu's backend our kernels use (typed structurally: no import of the backend). */
export interface WebgpuBackend {
  runWebGPUProgram(program: object, inputs: TensorInfo[], dtype: 'float32', uniforms?: { type: string; data: number[] }[]): TensorInfo;
}

const WORKGROUP = 64;

/** WebGPU's guaranteed limit on workgroups per dimension of a dispatch (`maxComputeWorkgroupsPerDimension`). */
const MAX_WORKGROUPS_PER_DIMENSION = 65535;

/**
 * A dispatch of at least `workgroups` workgroups: `[workgroups, 1, 1]` while that fits one dimension, else spread
 * over two (`[x, y, 1]`, x·y ≥ workgroups). tfjs-backend-webgpu's flat global index (`getGlobalIndex()`, `main`'s
 * `index`) counts across both, so a kernel guards `index` against its size either way; a kernel that works per
 * workgroup gets the same count from `workgroupId` and `numWorkgroups`.
 */
export function flatDispatch(workgroups: number): [number, number, number] {
  if (workgroups <= MAX_WORKGROUPS_PER_DIMENSION) return [Math.max(1, workgroups), 1, 1];
  const y = Math.ceil(workgroups / MAX_WORKGROUPS_PER_DIMENSION);
  return [Math.ceil(workgroups / y), y, 1];
}

/** What {@link webgpuFlatProgram} builds a program from. */
export interface FlatProgramSpec {
  readonly shaderKey: string;
  readonly outputShape: number[];
  /** Workgroups to dispatch (spread over two dimensions past the limit, {@link flatDispatch}). */
  readonly workgroups: number;
  /** Invocations per workgroup. */
  readonly workgroupSize: number;
  readonly variableNames: string[];
  /** The uniforms' WGSL struct fields (e.g. `'step : i32,'`), given as data when the program runs. */
  readonly uniforms: string;
  /** WGSL with `fn main(index : i32)`, `index` counting invocations across the whole dispatch. */
  readonly code: string;
}

/**
 * tfjs-backend-webgpu's `WebGPUProgram` with a flat dispatch layout: the backend calls `main` with the invocation's
 * flat index and declares `result` and the inputs as arrays. A new object per call: the backend extends
 * `shaderKey` in place.
 */
export function webgpuFlatProgram(spec: FlatProgramSpec): object {
  return {
    outputShape: spec.outputShape,
    shaderKey: spec.shaderKey,
    dispatchLayout: { x: spec.outputShape.map((_, i) => i) },
    dispatch: flatDispatch(spec.workgroups),
    variableNames: spec.variableNames,
    workgroupSize: [spec.workgroupSize, 1, 1],
    uniforms: spec.uniforms,
    getUserCode: () => spec.code,
  };
}

/**
 * The program of one recurrent time step: `invocations` threads (one per batch row and unit) writing
 * `outputShape`, with the step index as the uniform `uniforms.step`.
 */
export function webgpuStepProgram(shaderKey: string, outputShape: number[], invocations: number, variableNames: string[], code: string): object {
  return webgpuFlatProgram({ shaderKey, outputShape, workgroups: Math.ceil(invocations / WORKGROUP), workgroupSize: WORKGROUP, variableNames, uniforms: 'step : i32,', code });
}

/** The step uniform of {@link webgpuStepProgram}. */
export const stepUniform = (step: number): { type: string; data: number[] }[] => [{ type: 'int32', data: [step] }];

/** Sigmoid and tanh as tfjs-backend-webgpu's own unary kernels compute them, so fused and generic paths round alike. */
export const WGSL_ACTIVATIONS = `
  fn nlpkitSigmoid(x : f32) -> f32 { return 1.0 / (1.0 + exp(-1.0 * x)); }
  fn nlpkitTanh(x : f32) -> f32 {
    let e2x = exp(-2.0 * abs(x));
    return sign(x) * (1.0 - e2x) / (1.0 + e2x);
  }
`;

/** A kernel of ours for tfjs-backend-webgpu, typed on the part of its backend we use. */
export type WebgpuKernel = (inputs: NamedTensorInfoMap, backend: WebgpuBackend, attrs: NamedAttrMap) => TensorInfo;

/**
 * Registers kernels of ours for webgpu when it is the active backend, and says whether they are available.
 * Registration lives in tfjs's kernel registry (no state of our own), happens on first call (never at import
 * time) and is idempotent, so callers may ask on every use. Other backends: false, nothing registered.
 */
export function registerWebgpuKernels(kernels: Readonly<Record<string, WebgpuKernel>>): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  for (const [kernelName, kernel] of Object.entries(kernels)) {
    if (tf.getKernel(kernelName, 'webgpu') === undefined) {
      tf.registerKernel({
        kernelName,
        backendName: 'webgpu',
        kernelFunc: ({ inputs, backend, attrs }) => kernel(inputs, backend as unknown as WebgpuBackend, attrs ?? {}),
      });
    }
  }
  return true;
}
