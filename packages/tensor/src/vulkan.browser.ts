/** Browsers bring their own WebGPU implementation: nothing to check. */
export function missingVulkan(): string | undefined {
  return undefined;
}
