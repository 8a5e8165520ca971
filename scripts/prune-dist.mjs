// Removes build outputs whose source is gone, after turbo builds. tsc never deletes: after `src/a.ts` is
// renamed, `dist/a.js` stays, and `pnpm pack` would publish it. A turbo cache hit restores dist/ as it was when
// cached, stale files included, so this runs after `turbo run build`, not before. Also removes declaration
// maps, which tooling/tsconfig/build.json no longer emits.
// Runs in milliseconds; `pnpm build`, `pnpm test`, `pnpm nlpkit`, `pnpm bench` and `pnpm release` call it.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHUNK_FILE } from './distChunks.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUTPUT = /^(.+?)(\.d\.ts|\.js)(\.map)?$/;
let removed = 0;

for (const group of ['packages', 'apps']) {
  const groupDir = join(root, group);
  if (!existsSync(groupDir)) continue;
  for (const name of readdirSync(groupDir)) {
    const dist = join(groupDir, name, 'dist');
    const src = join(groupDir, name, 'src');
    if (existsSync(dist) && existsSync(src) && builtByTsc(join(groupDir, name))) prune(dist, src);
  }
}
if (removed > 0) process.stderr.write(`prune-dist: removed ${removed} stale build output${removed === 1 ? '' : 's'}\n`);

/**
 * Only tsc maps `src/x.ts` to `dist/x.js`; a bundler's output (apps/web's `vite build`: hashed `assets/*.js`) has no
 * such pairs and is left alone.
 * @param {string} dir a package folder
 */
function builtByTsc(dir) {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  const build = JSON.parse(readFileSync(manifest, 'utf8')).scripts?.build ?? '';
  return /^tsc\b/.test(build);
}

/** @param {string} dist @param {string} src */
function prune(dist, src) {
  for (const entry of readdirSync(dist, { withFileTypes: true })) {
    const path = join(dist, entry.name);
    if (entry.isDirectory()) {
      prune(path, join(src, entry.name));
      continue;
    }
    const match = OUTPUT.exec(entry.name);
    // A bundled package's shared chunks (scripts/bundle-dist.mjs) have no source of their own.
    if (match === null || CHUNK_FILE.test(entry.name)) continue;
    const stale = entry.name.endsWith('.d.ts.map') || !['.ts', '.tsx', '.mts', '.js', '.mjs', '.d.ts'].some((ext) => existsSync(join(src, `${match[1]}${ext}`)));
    if (stale) {
      rmSync(path);
      removed += 1;
      process.stderr.write(`prune-dist: ${relative(root, path)}\n`);
    }
  }
}
