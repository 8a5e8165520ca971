import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Packs a workspace package with `pnpm pack` (which rewrites `workspace:` ranges and applies `publishConfig`).
 * @param {string} dir the package folder
 * @param {string} outDir where the tarball goes
 * @returns {{ tarball: string, bytes: number }}
 */
export function pack(dir, outDir) {
  mkdirSync(outDir, { recursive: true });
  const before = new Set(readdirSync(outDir));
  execFileSync('pnpm', ['pack', '--pack-destination', outDir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const created = readdirSync(outDir).filter((f) => f.endsWith('.tgz') && !before.has(f));
  if (created.length !== 1) throw new Error(`pnpm pack in ${dir} produced ${created.length} tarballs, expected 1`);
  const tarball = join(outDir, created[0]);
  return { tarball, bytes: statSync(tarball).size };
}
