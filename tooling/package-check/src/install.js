import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `allowBuilds:` entries of the repository's pnpm-workspace.yaml (e.g. `msgpackr-extract: false`, bullmq's
 * optional native module): pnpm 12 refuses to install a package whose install script is neither allowed nor
 * refused, so a user's project needs the same decisions, and so does ours.
 * @returns {string[]} lines such as `  esbuild: true`
 */
function allowBuildsLines() {
  const text = readFileSync(fileURLToPath(new URL('../../../pnpm-workspace.yaml', import.meta.url)), 'utf8');
  const lines = text.split('\n');
  const start = lines.indexOf('allowBuilds:');
  if (start === -1) return ['  esbuild: true'];
  const block = [];
  for (const line of lines.slice(start + 1)) {
    if (!/^\s+\S/.test(line)) break;
    block.push(line);
  }
  return block;
}

/**
 * Creates a project outside the workspace holding one packed package and only what it declares: its
 * dependencies and its required (non-optional) peers. nlpkit packages it needs come from their tarballs, the rest
 * from the registry (through pnpm's store, so repeated runs are fast).
 * @param {import('./workspace.js').WorkspacePackage} pkg
 * @param {Map<string, string>} tarballs npm name → tarball path, for every nlpkit package
 * @param {{ extra?: Record<string, string> }} [options] more dependencies (e.g. esbuild for bundling)
 * @returns {string} the project folder
 */
export function installAlone(pkg, tarballs, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), `nlpkit-install-${pkg.name.replace(/[@/]/g, '_')}-`));
  const deps = { [pkg.name]: `file:${tarballs.get(pkg.name)}` };
  const optional = pkg.manifest.peerDependenciesMeta ?? {};
  const wanted = {
    ...(pkg.manifest.dependencies ?? {}),
    ...Object.fromEntries(Object.entries(pkg.manifest.peerDependencies ?? {}).filter(([n]) => !optional[n]?.optional)),
  };
  /** @type {Record<string, string>} */
  const overrides = {};
  for (const [name, range] of Object.entries(wanted)) {
    if (tarballs.has(name)) {
      deps[name] = `file:${tarballs.get(name)}`;
      overrides[name] = `file:${tarballs.get(name)}`;
    } else {
      deps[name] = String(range).replace(/^catalog:.*/, '*');
    }
  }
  // nlpkit packages depended on transitively also come from tarballs, never from the registry.
  for (const [name, tarball] of tarballs) overrides[name] = `file:${tarball}`;
  Object.assign(deps, options.extra ?? {});
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'install-check', private: true, type: 'module', dependencies: deps }, null, 2),
  );
  writeFileSync(
    join(dir, 'pnpm-workspace.yaml'),
    `overrides:\n${Object.entries(overrides).map(([n, v]) => `  '${n}': '${v}'`).join('\n')}\nautoInstallPeers: false\nallowBuilds:\n${allowBuildsLines().join('\n')}\n`,
  );
  execFileSync('pnpm', ['install', '--prefer-offline', '--reporter=silent'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true' },
  });
  return dir;
}
