/** The subset of the WebGPU API that backend selection needs (so we depend on no DOM typings version). */
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}

/** The subset of `GPUAdapter` we read. */
export interface AdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}

/** What a WebGPU adapter probe found. */
export interface AdapterProbe {
  readonly ok: boolean;
  readonly reason: string;
}

/**
 * Asks `gpu` for an adapter and says whether it is usable. A fallback adapter (a software rasteriser such as
 * SwiftShader) is refused unless `allowFallback`: it is slower than wasm for our workloads.
 */
export async function probeAdapter(gpu: GpuLike, allowFallback: boolean): Promise<AdapterProbe> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) return { ok: false, reason: 'no WebGPU adapter was found (no Vulkan/Metal/D3D12 GPU driver)' };
  const info = adapter.info ?? {};
  const label = [info.vendor, info.architecture, info.description].filter((s) => s !== undefined && s !== '').join(' ');
  const fallback = adapter.isFallbackAdapter === true || info.isFallbackAdapter === true;
  if (fallback && !allowFallback) {
    return { ok: false, reason: `only a fallback (software) WebGPU adapter is available${label ? `: ${label}` : ''}` };
  }
  return { ok: true, reason: `WebGPU adapter${fallback ? ' (fallback)' : ''}${label ? `: ${label}` : ''}` };
}
