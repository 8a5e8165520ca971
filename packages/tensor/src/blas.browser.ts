import type { Blas } from './kernels/blasEngine.js';

/** Browsers cannot open native libraries: nlpkit's ops keep the WebAssembly GEMM (`request` is not read). */
export function loadBlas(request?: string): Blas | undefined {
  void request;
  return undefined;
}

/** Browsers open no library, so none is left (see the Node build's `blasNotUsed`). */
export function blasNotUsed(): readonly { readonly library: string; readonly config: string }[] {
  return [];
}
