import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishablePackages, repoRoot } from './workspace.js';

// Runs `changeset version` on a copy of the workspace's manifests and changesets config, with one changeset.
function versionWith(changeset: string): { dir: string; version: (pkg: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'nlpkit-changesets-'));
  for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json']) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    cpSync(join(repoRoot, file), join(dir, file));
  }
  for (const sub of ['packages', 'apps', 'tooling']) {
    for (const name of readdirSync(join(repoRoot, sub))) {
      const manifest = join(repoRoot, sub, name, 'package.json');
      if (!existsSync(manifest)) continue;
      mkdirSync(join(dir, sub, name), { recursive: true });
      cpSync(manifest, join(dir, sub, name, 'package.json'));
    }
  }
  writeFileSync(join(dir, '.changeset', 'bump.md'), changeset);
  const bin = join(repoRoot, 'node_modules', '.bin', 'changeset');
  execFileSync(bin, ['version'], { cwd: dir, stdio: 'pipe' });
  const version = (name: string) => {
    const p = publishablePackages().find((x) => x.name === name)!;
    return JSON.parse(readFileSync(join(dir, p.dir.slice(repoRoot.length), 'package.json'), 'utf8')).version;
  };
  return { dir, version };
}

describe('releases with changesets', () => {
  let before: Map<string, string>;
  beforeAll(() => {
    before = new Map(publishablePackages().map((p) => [p.name, p.manifest.version]));
  });

  it('a minor bump of @nlpkit/tensor does not force major bumps of the packages that peer on it', () => {
    const { dir, version } = versionWith('---\n"@nlpkit/tensor": minor\n---\n\nNew initializer.\n');
    const [major, minor] = before.get('@nlpkit/tensor')!.split('.').map(Number);
    expect(version('@nlpkit/tensor')).toBe(`${major}.${minor! + 1}.0`);
    const dependents = publishablePackages().filter((p) => p.manifest.peerDependencies?.['@nlpkit/tensor']);
    expect(dependents.map((p) => p.name)).toContain('@nlpkit/rnn');
    for (const { name: dependent } of dependents) {
      expect(version(dependent).split('.')[0], dependent).toBe(before.get(dependent)!.split('.')[0]);
    }
    const changelog = readFileSync(join(dir, 'packages', 'tensor', 'CHANGELOG.md'), 'utf8');
    expect(changelog).toContain('New initializer.');
  });

  it('a change to a package nothing depends on bumps only that package', () => {
    const { version } = versionWith('---\n"@nlpkit/ngram": minor\n---\n\nFaster counting.\n');
    expect(version('@nlpkit/rnn')).toBe(before.get('@nlpkit/rnn'));
    expect(version('@nlpkit/ngram')).not.toBe(before.get('@nlpkit/ngram'));
  });

  it('the published CLI is versioned: it pins the packages it was tested with, so their releases release it too', () => {
    const cliVersion = (dir: string) => JSON.parse(readFileSync(join(dir, 'apps', 'cli', 'package.json'), 'utf8')).version as string;
    const { dir, version } = versionWith('---\n"@nlpkit/ngram": minor\n---\n\nFaster counting.\n');
    expect(version('@nlpkit/ngram')).not.toBe(before.get('@nlpkit/ngram'));
    expect(cliVersion(dir)).not.toBe(cliVersion(repoRoot));
    const own = versionWith('---\n"@nlpkit/cli": minor\n---\n\nNew command.\n');
    expect(cliVersion(own.dir)).not.toBe(cliVersion(repoRoot));
  });
});
