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

/**
 * Options for `new Worker` on a {@link workerEntry} file: none (the worker inherits the process's Node options), but
 * in a process that runs the packages from their TypeScript source (the tests: the `@nlpkit/source` export
 * condition), whose workers would load `@nlpkit/*` from `.ts` files plain Node cannot run, the same options less
 * that condition and of the module-loading options alone: the built entry loads the built packages. (Given
 * explicitly, V8 flags such as the CLI's `--experimental-wasm-relaxed-simd` are refused by `new Worker`;
 * inherited, they are not.)
 */
export function workerStartOptions(): { execArgv?: string[] } {
  const argv = process.execArgv;
  const source = argv.some((arg, i) => (arg === '--conditions' || arg === '-C' ? argv[i + 1] === '@nlpkit/source' : arg === '--conditions=@nlpkit/source'));
  if (!source) return {};
  // Only what module loading needs is passed on; `new Worker` refuses V8 flags given explicitly.
  const withValue = new Set(['--conditions', '-C', '--require', '-r', '--import', '--loader']);
  const flags = new Set(['--experimental-import-meta-resolve', '--enable-source-maps', '--no-warnings']);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (withValue.has(arg)) {
      const value = argv[++i];
      if (value !== undefined && value !== '@nlpkit/source') out.push(arg, value);
    } else if (flags.has(arg) || (/^--(conditions|require|import|loader)=/.test(arg) && arg !== '--conditions=@nlpkit/source')) out.push(arg);
  }
  return { execArgv: out };
}
