import * as tf from '@tensorflow/tfjs-core';
import type { DataId, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** The part of tfjs-backend-wasm's `BackendWasm` the shared `Identity` uses (typed structurally: no import of it). */
interface RefCountingBackend {
  incRef(dataId: DataId): void;
}

/** The `Identity` config nlpkit registers for wasm; `nlpkitCopying` is the one it replaced, kept for strings. */
type SharedIdentityConfig = KernelConfig & { readonly nlpkitCopying: KernelFunc };

/**
 * Makes tfjs-backend-wasm's `Identity` kernel share its input's memory instead of copying it, and returns true
 * (false when the active backend is not wasm). Idempotent; {@link initBackend} calls it when it starts wasm.
 *
 * tfjs runs `Identity` for every tensor a gradient saves (its engine clones what `save` and a kernel's
 * `inputsToSave` keep). The wasm backend's `Identity` copies the data: for a language model's `[700, 10000]`
 * softmax that is 28 MB written and faulted in on every training step (~14 ms of a 130 ms Zaremba-small step).
 * Tensors are immutable and variables replace their data when assigned, so sharing the memory under a reference
 * count is the same tensor — the wasm backend's own `Reshape` does the same, as does the cpu backend's `Identity`.
 * Strings keep the copying kernel.
 */
export function registerWasmIdentity(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  const found = tf.getKernel('Identity', 'wasm') as (KernelConfig & { nlpkitCopying?: KernelFunc }) | undefined;
  if (found?.nlpkitCopying !== undefined) return true;
  if (found === undefined) return false;
  const copying = found.kernelFunc;
  const shared: SharedIdentityConfig = {
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs['x'] as TensorInfo;
      if (x.dtype === 'string') return copying(args);
      (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
    nlpkitCopying: copying,
  };
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel(shared);
  return true;
}
