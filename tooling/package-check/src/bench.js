// `pnpm bench` for packaging: packed size and minified+gzipped browser bundle size of every package.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { bundleForBrowser } from './bundle-check.js';
import { installAlone } from './install.js';
import { pack } from './pack.js';
import { publishablePackages, repoRoot } from './workspace.js';

const packages = publishablePackages();
const out = mkdtempSync(join(os.tmpdir(), 'nlpkit-pack-'));
const packed = new Map(packages.map((p) => [p.name, pack(p.dir, out)]));
const tarballs = new Map([...packed].map(([n, r]) => [n, r.tarball]));
const rows = [];
for (const p of packages) {
  const dir = installAlone(p, tarballs);
  const { bytes, gzipBytes } = await bundleForBrowser(dir, p.name, Object.keys(p.manifest.peerDependencies ?? {}));
  rows.push({ package: p.name, packedBytes: packed.get(p.name).bytes, bundleMinBytes: bytes, bundleMinGzipBytes: gzipBytes });
}
const machine = { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, date: new Date().toISOString() };
const dirOut = join(repoRoot, 'bench', 'results');
mkdirSync(dirOut, { recursive: true });
writeFileSync(join(dirOut, 'packages.json'), `${JSON.stringify({ machine, rows }, null, 2)}\n`);
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const table = [
  '| package | packed (.tgz) | browser bundle, min | min + gzip |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.package} | ${kb(r.packedBytes)} | ${kb(r.bundleMinBytes)} | ${kb(r.bundleMinGzipBytes)} |`),
].join('\n');
writeFileSync(
  join(dirOut, 'packages.md'),
  `### Package sizes — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date.slice(0, 10)}\n\n` +
    'Bundles: `export * from` the main entry, esbuild, minified ESM for browsers. Peers (tfjs-core, backends,\n' +
    '@nlpkit/tensor) are left out, as an app provides them. @nlpkit/stem carries natural\'s stemmer modules, which are\n' +
    'CommonJS (no tree shaking) and bring data files: most of its bundle is stopwords-iso and the Indonesian root list.\n\n' +
    `${table}\n`,
);
console.log(table);
