import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CHUNK_FILE } from '../../../scripts/distChunks.mjs';

/**
 * Unpacks a tarball made by `pnpm pack` into a fresh folder.
 * @param {string} tarball
 * @returns {string} the unpacked package folder (the tarball's `package/`)
 */
export function unpack(tarball) {
  const dir = mkdtempSync(join(tmpdir(), 'nlpkit-unpacked-'));
  execFileSync('tar', ['-xzf', tarball, '-C', dir], { stdio: 'pipe' });
  return join(dir, 'package');
}

/**
 * Every file under `dir`, as paths relative to it with `/` separators, sorted.
 * @param {string} dir
 * @returns {string[]}
 */
export function listFiles(dir) {
  /** @type {string[]} */
  const out = [];
  const walk = (/** @type {string} */ d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Problems a user would meet in an unpacked tarball: a missing LICENSE, source maps whose sources are not in the
 * tarball (neither shipped nor inlined), declaration maps pointing at unshipped `src/*.ts`, tests or test data
 * shipped, and stale build outputs (a `dist/` file whose source no longer exists in `srcDir`; a bundled package's
 * shared chunks excepted).
 * @param {string} unpacked the unpacked package folder
 * @param {string} srcDir the package's `src/` in the workspace
 * @returns {string[]} one line per problem; empty when the tarball is good
 */
export function tarballProblems(unpacked, srcDir) {
  const files = listFiles(unpacked);
  const problems = [];
  if (!files.includes('LICENSE')) problems.push('no LICENSE file');
  else if (!/MIT License/.test(readFileSync(join(unpacked, 'LICENSE'), 'utf8'))) problems.push('LICENSE is not the MIT licence');
  for (const file of files) {
    if (file.endsWith('.d.ts.map')) {
      problems.push(`${file}: declaration map pointing at sources that are not shipped`);
    } else if (file.endsWith('.js.map')) {
      const map = JSON.parse(readFileSync(join(unpacked, file), 'utf8'));
      const sources = map.sources ?? [];
      const contents = map.sourcesContent ?? [];
      if (sources.length === 0) problems.push(`${file}: no sources`);
      if (contents.length !== sources.length || contents.some((c) => typeof c !== 'string' || c === '')) {
        problems.push(`${file}: sourcesContent missing (${contents.length} of ${sources.length} sources inlined)`);
      }
    }
    if (/\.test\.(js|d\.ts|ts)(\.map)?$/.test(file)) problems.push(`${file}: a test file`);
    if (/(^|\/)(test-data|fixtures)\//.test(file) || /ptb\.(train|valid|test)\.txt$/.test(file)) problems.push(`${file}: test data`);
    const built = /^dist\/(.+?)(\.d\.ts|\.js)(\.map)?$/.exec(file);
    // A bundled package's shared chunks (scripts/bundle-dist.mjs) have no source of their own.
    if (built && !CHUNK_FILE.test(file.slice('dist/'.length)) && !['.ts', '.tsx', '.mts', '.js', '.mjs', '.d.ts'].some((ext) => existsIn(srcDir, `${built[1]}${ext}`))) {
      problems.push(`${file}: stale build output, src/${built[1]}.ts does not exist (rebuild from a clean dist/)`);
    }
  }
  return problems;
}

/** @param {string} dir @param {string} file */
function existsIn(dir, file) {
  try {
    return statSync(join(dir, file)).isFile();
  } catch {
    return false;
  }
}
