// Plain JavaScript so that both the vitest suite and the `pnpm bench` script (plain Node 20) can run it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * @typedef {object} WorkspacePackage
 * @property {string} name npm name, e.g. "@nlpkit/ngram"
 * @property {string} dir absolute folder
 * @property {Record<string, any>} manifest its package.json
 */

/** Every publishable (non-private) package under packages/. @returns {WorkspacePackage[]} */
export function publishablePackages() {
  const root = join(repoRoot, 'packages');
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'package.json')))
    .map((d) => {
      const manifest = JSON.parse(readFileSync(join(root, d, 'package.json'), 'utf8'));
      return { name: manifest.name, dir: join(root, d), manifest };
    })
    .filter((p) => p.manifest.private !== true)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The `nlpkit` command line, `apps/cli`: published with a `bin` and no entry points. @returns {WorkspacePackage} */
export function cliPackage() {
  const dir = join(repoRoot, 'apps', 'cli');
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return { name: manifest.name, dir, manifest };
}

/**
 * The package's public entry points (`exports` keys other than ./package.json), e.g. [".", "./node"].
 * @param {Record<string, any>} manifest
 * @returns {string[]}
 */
export function entryPoints(manifest) {
  const exportsMap = manifest.publishConfig?.exports ?? manifest.exports ?? {};
  return Object.keys(exportsMap).filter((k) => k !== './package.json');
}

/**
 * Entry points an app bundles for browsers: all but the Node-only ones (subpaths named `./node`) and the test
 * helpers (`./testing`, which run inside the test runner's own bundler).
 * @param {Record<string, any>} manifest
 */
export function browserEntryPoints(manifest) {
  return entryPoints(manifest).filter((e) => !e.endsWith('/node') && !e.endsWith('/testing'));
}

/**
 * Optional peers an entry point cannot load without, to install beside the package when every entry is imported:
 * `./testing` entries need the test runner (vitest, and its peer vite); an entry named like an optional peer
 * (`@nlpkit/stem/natural` ↔ the optional peer `natural`) needs that peer.
 * @param {Record<string, any>} manifest
 * @returns {Record<string, string>}
 */
export function peersForAllEntryPoints(manifest) {
  const peers = manifest.peerDependencies ?? {};
  const optional = manifest.peerDependenciesMeta ?? {};
  /** @type {Record<string, string>} */
  const wanted = {};
  for (const entry of entryPoints(manifest)) {
    const peer = entry.slice(2);
    if (peers[peer] && optional[peer]?.optional) wanted[peer] = String(peers[peer]);
  }
  if (entryPoints(manifest).some((e) => e.endsWith('/testing')) && peers.vitest) {
    // The vitest (and its peer vite) versions this repository tests with, as a user of the helpers would have.
    const version = (/** @type {string} */ name) => JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
    Object.assign(wanted, { vitest: version('vitest'), vite: version('vite') });
  }
  return wanted;
}

/**
 * The import specifier of an entry point: "." → "@nlpkit/text", "./node" → "@nlpkit/text/node".
 * @param {string} name
 * @param {string} entry
 */
export function specifierOf(name, entry) {
  return entry === '.' ? name : `${name}/${entry.slice(2)}`;
}
