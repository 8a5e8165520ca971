import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What a user gets from `npm i <package>` in an empty folder: the tarball installed with npm (not pnpm), its
 * nlpkit dependencies from their tarballs (they are not on the registry while unreleased) through npm
 * `overrides`, everything else from the registry. npm leaves optional peers out, as a user's install would.
 * @param {string} name e.g. "@nlpkit/stem"
 * @param {Map<string, string>} tarballs npm name → tarball path, for every nlpkit package
 * @returns {{ dir: string, packages: string[], bytes: number }} installed package names (nested ones too) and
 *   the total size of node_modules in bytes
 */
export function npmInstallAlone(name, tarballs) {
  const dir = mkdtempSync(join(tmpdir(), `nlpkit-npm-${name.replace(/[@/]/g, '_')}-`));
  const overrides = Object.fromEntries([...tarballs].filter(([n]) => n !== name).map(([n, t]) => [n, `file:${t}`]));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'npm-install-check', private: true, overrides }, null, 2));
  execFileSync('npm', ['install', `file:${tarballs.get(name)}`, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  const modules = join(dir, 'node_modules');
  return { dir, packages: installedPackages(modules), bytes: existsSync(modules) ? sizeOf(modules) : 0 };
}

/**
 * Package names installed under a node_modules folder, nested node_modules included (npm's hidden
 * `.package-lock.json` and `.bin` are not packages).
 * @param {string} modules
 * @returns {string[]}
 */
function installedPackages(modules) {
  /** @type {string[]} */
  const names = [];
  if (!existsSync(modules)) return names;
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    const scoped = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((n) => `${entry}/${n}`) : [entry];
    for (const pkg of scoped) {
      const dir = join(modules, pkg);
      if (!existsSync(join(dir, 'package.json'))) continue;
      names.push(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name ?? pkg);
      names.push(...installedPackages(join(dir, 'node_modules')));
    }
  }
  return names.sort();
}

/** @param {string} path @returns {number} bytes of every file under path (symlinks not followed) */
function sizeOf(path) {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + sizeOf(join(path, entry)), 0);
}
