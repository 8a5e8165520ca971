import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

// nlpkit packages are bundled from their TypeScript sources (the `@nlpkit/source` condition, as the tests import
// them), so the children run today's code without a build; third-party packages stay external and load from the
// node_modules beside the bundle.
const thirdPartyExternal: Plugin = {
  name: 'third-party-external',
  setup(b) {
    b.onResolve({ filter: /^[^./#]/ }, (args) => (args.path.startsWith('@nlpkit/') ? undefined : { path: args.path, external: true }));
  },
};

/**
 * Bundles `entry` (a TypeScript file) into one ESM file under `<packageDir>/node_modules/.cache/nlpkit-faults/`, so
 * that its third-party imports resolve from `packageDir`'s node_modules. Returns the bundle's path.
 */
export async function bundle(entry: string, packageDir: string): Promise<string> {
  const cache = join(packageDir, 'node_modules', '.cache', 'nlpkit-faults');
  mkdirSync(cache, { recursive: true });
  const folder = mkdtempSync(join(cache, 'bundle-'));
  // Removed when the test worker exits, so repeated runs do not pile up bundles.
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  const outfile = join(folder, `${basename(entry, '.ts')}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    conditions: ['@nlpkit/source'],
    plugins: [thirdPartyExternal],
    logLevel: 'silent',
  });
  return outfile;
}

/** The `nlpkit` command bundled from apps/cli/src (run it with `node <path> ngram train ...`). */
export function bundleCli(): Promise<string> {
  return bundle(join(repoRoot, 'apps/cli/src/main.ts'), join(repoRoot, 'apps/cli'));
}

/** A child script of this suite (`src/children/<name>.ts`), bundled. */
export function bundleChild(name: string): Promise<string> {
  return bundle(fileURLToPath(new URL(`./children/${name}.ts`, import.meta.url)), dirname(fileURLToPath(new URL('../package.json', import.meta.url))));
}
