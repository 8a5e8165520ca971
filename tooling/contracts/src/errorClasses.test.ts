import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { NlpkitError } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { publishedEntries, repoRoot } from './workspaceEntries.js';

/** A bag that satisfies every error constructor's options in this repository (each takes what it needs). */
const anyOptions = {
  package: '@nlpkit/test',
  argument: 'x',
  expected: 'something',
  found: 1,
  message: 'message',
  line: 1,
  allowed: ['a'],
  expectedLength: 1,
  foundLength: 2,
  tried: [],
  index: 0,
  codeUnit: 0xd800,
};

function isErrorClass(value: unknown): value is new (...args: unknown[]) => Error {
  return typeof value === 'function' && (value === Error || (value as { prototype?: unknown }).prototype instanceof Error);
}

describe('every error class a package exports is an NlpkitError with a code', () => {
  it('walks every entry point of every published package', async () => {
    const classes: string[] = [];
    const problems: string[] = [];
    for (const entry of publishedEntries()) {
      const mod = (await import(entry.specifier)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (!isErrorClass(value)) continue;
        classes.push(`${entry.specifier}:${name}`);
        if (value !== NlpkitError && !(value.prototype instanceof NlpkitError)) {
          problems.push(`${entry.specifier} exports ${name}, which does not extend NlpkitError`);
          continue;
        }
        if (value === NlpkitError) continue;
        let instance: NlpkitError;
        try {
          // One error style: every error class takes one options object (a subset of `anyOptions`).
          instance = new value(anyOptions) as NlpkitError;
        } catch (e) {
          problems.push(`${entry.specifier}:${name} cannot be built from an options object: ${String(e)}`);
          continue;
        }
        if (typeof instance.code !== 'string' || !/^ERR_[A-Z0-9_]+$/.test(instance.code)) {
          problems.push(`${entry.specifier}:${name} has code ${String(instance.code)}, expected ERR_…`);
        }
        if (instance.name !== name) problems.push(`${entry.specifier}:${name} has name ${instance.name}`);
      }
    }
    expect(problems).toEqual([]);
    // The walk must actually see error classes (core's, and packages' own).
    expect(classes).toEqual(expect.arrayContaining(['@nlpkit/core:NlpkitError', '@nlpkit/core:InvalidArgumentError']));
    expect(classes.filter((c) => !c.startsWith('@nlpkit/core:')).length).toBeGreaterThan(3);
  });
});

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.ts$/.test(name) && !/\.test\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

describe('no package throws a bare JavaScript error', () => {
  it('finds no `throw new Error/TypeError/RangeError/SyntaxError` in published sources', () => {
    const packages = readdirSync(join(repoRoot, 'packages'));
    const offenders: string[] = [];
    for (const pkg of packages) {
      const src = join(repoRoot, 'packages', pkg, 'src');
      let files: string[];
      try {
        files = sourceFiles(src);
      } catch {
        continue;
      }
      for (const file of files) {
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (/throw new (Error|TypeError|RangeError|SyntaxError)\(/.test(line)) offenders.push(`${relative(repoRoot, file)}:${i + 1}`);
          });
      }
    }
    expect(offenders).toEqual([]);
  });
});
