import type { DataId } from '@tensorflow/tfjs-core';

/**
 * Data written over in place, and what that means for copies kept by DataId.
 *
 * Kernels keep copies of operands across calls under the tensor's `DataId`: a product's B packed (on tfjs's heap,
 * `wasmPackedWeights`; the GEMM workers' columns in their shared memory, `wasmGemmShared`), the output layer packed
 * by the loss kernel (`wasmAffineXent`), XNNPACK operators with their packed weights inside tfjs-backend-wasm. That is
 * sound while a DataId's data never changes, as in tfjs; but `sgdUpdate` and `adamUpdate` write a variable's new
 * values over its memory on wasm (same DataId). So each in-place write is noted here first: every copy kept under
 * a DataId carries the {@link writeGeneration} it was made at and is stale once that moved on, and tfjs-backend-wasm
 * forgets its own (the tensor is registered with its module anew). Without this, a model trained with SGD on wasm
 * was evaluated, between epochs, with the output layer of its first evaluation.
 *
 * Kept by the DataId object (never reused), weakly: nothing keeps the data alive.
 */
const generations = new WeakMap<object, number>();

/** How many times the data of `dataId` was written over in place (0: never). */
export function writeGeneration(dataId: DataId): number {
  return generations.get(dataId) ?? 0;
}

/** The part of tfjs-backend-wasm's `BackendWasm` that registers a tensor with its module (typed structurally). */
export interface WasmTensorRegistry {
  readonly dataIdMap: { get(dataId: DataId): { id?: number; memoryOffset: number; shape?: number[] } | undefined };
  readonly wasm: {
    readonly tfjs?: {
      disposeData?(id: number): void;
      registerTensor?(id: number, size: number, memoryOffset: number): void;
    };
  };
}

/**
 * Notes that the data of `dataId` on `backend` is about to be written over in place: copies kept under it become
 * stale ({@link writeGeneration} moves on), and tfjs-backend-wasm's module drops what it keeps for the tensor (its
 * XNNPACK operators' packed weights) — the tensor is unregistered and registered again at the same memory, which
 * stays allocated and holds its values.
 */
export function noteWrittenInPlace(backend: WasmTensorRegistry, dataId: DataId): void {
  generations.set(dataId, writeGeneration(dataId) + 1);
  const data = backend.dataIdMap.get(dataId);
  const module = backend.wasm.tfjs;
  if (data?.id === undefined || data.shape === undefined || module?.disposeData === undefined || module.registerTensor === undefined) return;
  module.disposeData(data.id);
  module.registerTensor(data.id, data.shape.reduce((a, b) => a * b, 1), data.memoryOffset);
}
