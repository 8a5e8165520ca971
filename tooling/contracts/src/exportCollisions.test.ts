import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { findExportCollisions } from './exportCollisions.js';
import { publishedEntries, repoRoot } from './workspaceEntries.js';

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  customConditions: ['@nlpkit/source'],
  strict: true,
  skipLibCheck: true,
  types: ['node'],
  typeRoots: [join(repoRoot, 'node_modules/@types')],
};

describe('no two published packages export one name with two meanings', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'nlpkit-collisions-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('the detector finds a collision and accepts a shared re-export', () => {
    const file = (name: string, text: string): string => {
      const path = join(scratch, name);
      writeFileSync(path, text);
      return path;
    };
    file('shared.ts', 'export interface Vocab { id(t: string): number }\nexport const PAD_ID = 0;\n');
    const a = file('a.ts', "export { PAD_ID, type Vocab } from './shared.js';\nexport class Vocabulary {}\n");
    const b = file('b.ts', "export { PAD_ID, type Vocab } from './shared.js';\nexport interface Vocabulary { size: number }\n");
    const found = findExportCollisions(
      [
        { packageName: 'a', specifier: 'a', source: a },
        { packageName: 'b', specifier: 'b', source: b },
      ],
      options,
    );
    expect(found.map((c) => c.name)).toEqual(['Vocabulary']);
  });

  it('holds for every entry point of every published package', () => {
    const entries = publishedEntries();
    // Sanity: the walk sees the packages (core, text, ngram, metrics, tensor, rnn, …) and subpath entries.
    expect(entries.map((e) => e.specifier)).toEqual(expect.arrayContaining(['@nlpkit/core', '@nlpkit/text', '@nlpkit/text/node', '@nlpkit/ngram']));
    const collisions = findExportCollisions(entries, options);
    expect(collisions, collisions.map((c) => `${c.name}:\n  ${c.exports.join('\n  ')}`).join('\n')).toEqual([]);
  });
});
