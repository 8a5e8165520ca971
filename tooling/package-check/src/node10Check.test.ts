import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { typecheckNode10 } from './node10-check.js';

// typecheckNode10 checks every package's project in one tsc program: these probe projects test that a broken
// declaration file fails its own project and no other, and that each project resolves only what it installed.
const root = mkdtempSync(join(tmpdir(), 'nlpkit-node10-probe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A project folder with one installed package `@nlpkit/<name>` whose `dist/index.d.ts` is `declarations`. */
function probeProject(name: string, declarations: string): string {
  const dir = join(root, name);
  const folder = join(dir, 'node_modules', '@nlpkit', name);
  mkdirSync(join(folder, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `${name}-project`, private: true }));
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({ name: `@nlpkit/${name}`, type: 'module', main: './dist/index.js', types: './dist/index.d.ts' }),
  );
  writeFileSync(join(folder, 'dist', 'index.js'), 'export const value = 1;\n');
  writeFileSync(join(folder, 'dist', 'index.d.ts'), declarations);
  return dir;
}

it('a broken declaration fails its own project only; a package another project installed does not resolve', () => {
  const good = probeProject('good', 'export declare const value: number;\n');
  const broken = probeProject('broken', 'export declare const value: TypeThatDoesNotExist;\n');
  const borrowing = probeProject('borrowing', 'export declare const value: number;\n');
  const results = typecheckNode10([
    { projectDir: good, specifiers: ['@nlpkit/good'] },
    { projectDir: broken, specifiers: ['@nlpkit/broken'] },
    // Installed in another project only: node10 resolution from this project's folder must not find it.
    { projectDir: borrowing, specifiers: ['@nlpkit/borrowing', '@nlpkit/good'] },
  ]);
  expect(results.get(good)).toEqual({ ok: true, output: '' });
  expect(results.get(broken)?.ok).toBe(false);
  expect(results.get(broken)?.output).toMatch(/broken[/\\]dist[/\\]index\.d\.ts\(1,\d+\): error TS2304: Cannot find name 'TypeThatDoesNotExist'/);
  expect(results.get(borrowing)?.ok).toBe(false);
  expect(results.get(borrowing)?.output).toMatch(/node10-check[/\\]index\.ts\(\d+,\d+\): error TS2307: Cannot find module '@nlpkit\/good'/);
  expect(results.get(borrowing)?.output).not.toMatch(/TypeThatDoesNotExist/);
});
