import type { TensorInfo } from '@tensorflow/tfjs-core';

/** The slice of tfjs-backend-webgpu's backend our kernels use (typed structurally: no import of the backend). */
export interface WebgpuBackend {
  runWebGPUProgram(program: object, inputs: TensorInfo[], dtype: 'float32', uniforms?: { type: string; data: number[] }[]): TensorInfo;
}

const WORKGROUP = 64;

/**
 * tfjs-backend-webgpu's `WebGPUProgram` for one recurrent time step: a flat dispatch of `invocations` threads
 * (one per batch row and unit) writing `outputShape`, with the step index as the uniform `uniforms.step`. A new
 * object per call: the backend extends `shaderKey` in place.
 */
export function webgpuStepProgram(shaderKey: string, outputShape: number[], invocations: number, variableNames: string[], code: string): object {
  return {
    outputShape,
    shaderKey,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(invocations / WORKGROUP), 1, 1],
    variableNames,
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: 'step : i32,',
    getUserCode: () => code,
  };
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
