import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The file of the package's worker entry `name` (e.g. `arpaFormatWorker`): beside the calling module when built;
 * when the package runs from its TypeScript source (its tests), the built one. Undefined when that file is not
 * there (source without a build): callers then do the work on the calling thread.
 */
export function workerEntry(name: string): URL | undefined {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL(`../dist/${name}.js`, here) : new URL(`./${name}.js`, here);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}
