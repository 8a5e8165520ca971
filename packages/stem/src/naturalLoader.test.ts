import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NlpkitError, UnsupportedError } from '@nlpkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { requireNatural } from './naturalLoader.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-stem-peer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `fn` with Node's global module folders (NODE_PATH, which pnpm's binaries set to the store, where natural
 * is) cleared, so a require rooted in `dir` sees only what a fresh project would.
 */
function withoutNodePath<T>(fn: () => T): T {
  const saved = process.env.NODE_PATH;
  const initPaths = (Module as unknown as { _initPaths(): void })._initPaths;
  process.env.NODE_PATH = '';
  initPaths();
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.NODE_PATH;
    else process.env.NODE_PATH = saved;
    initPaths();
  }
}

describe('requireNatural', () => {
  it('loads a stemmer module of the installed natural', () => {
    const stemmer = requireNatural('stemmers/lancaster_stemmer.js') as { stem(word: string): string };
    expect(stemmer.stem('maximum')).toBe('maxim');
  });

  it('says `npm i natural` (ERR_MISSING_PEER) where natural is not installed', () => {
    // A real resolution failure: a require rooted in an empty folder, as in a project that never installed natural.
    const require = createRequire(join(dir, 'index.js'));
    const error = withoutNodePath(() => {
      try {
        return requireNatural('stemmers/lancaster_stemmer.js', require);
      } catch (e) {
        return e;
      }
    });
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error).toBeInstanceOf(NlpkitError);
    expect(error).toMatchObject({ code: 'ERR_MISSING_PEER', package: '@nlpkit/stem', cause: { code: 'MODULE_NOT_FOUND' } });
    expect((error as Error).message).toBe(
      '@nlpkit/stem: natural is not installed: run `npm i natural` to use @nlpkit/stem/natural (natural is an optional peer dependency, ^8.1.1)',
    );
  });

  it('names the version where an installed natural lacks the module', () => {
    mkdirSync(join(dir, 'node_modules', 'natural'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'natural', 'package.json'), JSON.stringify({ name: 'natural', version: '99.0.0' }));
    const require = createRequire(join(dir, 'index.js'));
    expect(() => withoutNodePath(() => requireNatural('stemmers/lancaster_stemmer.js', require))).toThrowErrorMatchingInlineSnapshot(
      `[UnsupportedError: @nlpkit/stem: natural 99.0.0 has no natural/lib/natural/stemmers/lancaster_stemmer.js: run \`npm i natural@^8.1.1\` (the version @nlpkit/stem/natural is written for)]`,
    );
  });

  it('rethrows errors that are not about natural being missing', () => {
    const failing = Object.assign(
      () => {
        throw new SyntaxError('Unexpected token');
      },
      { resolve: () => '' },
    ) as unknown as NodeJS.Require;
    expect(() => requireNatural('stemmers/lancaster_stemmer.js', failing)).toThrow(SyntaxError);
  });
});
