// Bundles a package's entry points into dist/: each entry of its package.json "exports" (src/<name>.ts →
// dist/<name>.js) and the worker entries given as arguments (src/<name>.ts files loaded by URL with `new Worker`),
// with the modules two entries share in chunk files beside them (dist/chunk-<hash>.js), so every class exists once
// whichever entry imports it. Run from the package's folder after `tsc`, which writes the declarations (its build
// script: `tsc -p tsconfig.build.json && node ../../scripts/bundle-dist.mjs [src/xWorker.ts ...]`).
//
// Why: Node loads an ES module graph one file at a time (resolve, read, compile, link each), ~0.3–0.5 ms a module on
// the machines measured. @nlpkit/ngram's 80-odd modules took 38 ms to import, core's 19 took 15–19 ms; bundled,
// 16 and 8 ms: ~23 ms off every `nlpkit ngram` command (a `query` against KenLM's ~1 ms start), and off the start of
// any program that imports them.
// Dependencies stay imports (`@nlpkit/*` included: one copy of each package per app), as do Node built-ins.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { CHUNK_FILE } from './distChunks.mjs';

const dir = process.cwd();
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

/** `./dist/x.js` (an export's default target) → `src/x.ts`. */
function sourceOf(target) {
  const match = /^\.\/dist\/(.+)\.js$/.exec(target);
  if (match === null) throw new Error(`bundle-dist: ${manifest.name}: export target ${target} is not ./dist/<name>.js`);
  return `src/${match[1]}.ts`;
}

const exportsMap = manifest.exports ?? {};
const entries = Object.entries(exportsMap)
  .filter(([key]) => key !== './package.json')
  .map(([, value]) => sourceOf(typeof value === 'string' ? value : value.default));
// Subpath imports (`#blas`: one module for Node, another for browsers) stay imports, resolved where the code runs:
// each of their built targets is an entry too.
for (const targets of Object.values(manifest.imports ?? {})) {
  for (const [condition, target] of Object.entries(targets)) {
    if (condition !== 'types' && typeof target === 'string') entries.push(sourceOf(target));
  }
}
const workers = process.argv.slice(2);

// Chunks of an earlier build (their names change with their contents).
for (const file of readdirSync(join(dir, 'dist'))) if (CHUNK_FILE.test(file)) rmSync(join(dir, 'dist', file));

const { metafile } = await build({
  absWorkingDir: dir,
  entryPoints: [...entries, ...workers],
  outdir: 'dist',
  outbase: 'src',
  bundle: true,
  splitting: true,
  format: 'esm',
  // Neutral: the browser entries are bundled too (no Node shims); Node built-ins and every package stay imports.
  platform: 'neutral',
  packages: 'external',
  external: ['node:*', '#*'],
  target: 'es2022',
  // Names as written (error messages and `constructor.name` name classes).
  keepNames: true,
  sourcemap: true,
  sourcesContent: true,
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
  metafile: true,
});

// A module that maps to no source — a chunk of esbuild's own helpers (`__name`, for keepNames), an entry that only
// re-exports from chunks — gets no source map.
for (const output of Object.keys(metafile.outputs)) {
  if (!output.endsWith('.js.map')) continue;
  const mapPath = join(dir, output);
  const map = JSON.parse(readFileSync(mapPath, 'utf8'));
  if ((map.sources ?? []).length > 0) continue;
  rmSync(mapPath);
  const code = mapPath.slice(0, -'.map'.length);
  writeFileSync(code, readFileSync(code, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n'));
}
