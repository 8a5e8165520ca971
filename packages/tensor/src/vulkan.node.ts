import { existsSync } from 'node:fs';

// Where the dynamic linker looks for libvulkan.so.1 on common Linux distributions, after LD_LIBRARY_PATH.
const SYSTEM_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/lib64',
  '/lib',
  '/usr/local/lib',
];

/**
 * Why Dawn cannot find a GPU through Vulkan here, or undefined when it may. On Linux, Dawn reaches GPUs only
 * through the Vulkan loader; without it Dawn prints a native warning and finds no adapter, so we skip it quietly
 * and say why. Other platforms use Metal or D3D12 and are not checked.
 */
export function missingVulkan(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const dirs = [...(process.env['LD_LIBRARY_PATH'] ?? '').split(':').filter(Boolean), ...SYSTEM_DIRS];
  if (dirs.some((d) => existsSync(`${d}/libvulkan.so.1`))) return undefined;
  return 'no Vulkan loader (libvulkan.so.1) is installed, so Dawn can reach no GPU (install libvulkan1 and a GPU driver)';
}
