import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';
import * as nodeApi from './node.js';

/** Relative modules reachable from `file` through import/export statements. */
function reachable(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(new URL(file, import.meta.url), 'utf8');
  for (const m of text.matchAll(/(?:import|export)[^;]*?from '([^']+)'/g)) {
    const target = m[1]!;
    if (target.startsWith('./')) reachable(target.replace(/\.js$/, '.ts'), seen);
    else seen.add(target);
  }
  return seen;
}

describe('entry points', () => {
  it('the main entry reaches no Node built-in (it must bundle for browsers)', () => {
    const modules = [...reachable('./index.ts')];
    expect(modules.filter((m) => m.startsWith('node:') || m === 'fs' || m === 'path')).toEqual([]);
    expect([...reachable('./node.ts')].some((m) => m.startsWith('node:'))).toBe(true);
  });

  it('exports only named values; file helpers live in the node subpath', () => {
    expect('default' in api).toBe(false);
    expect(typeof api.estimateKneserNey).toBe('function');
    expect(typeof nodeApi.countNgramsOnDisk).toBe('function');
    expect('readSentences' in api || 'readSentences' in nodeApi).toBe(false);
    expect(typeof nodeApi.readArpaFile).toBe('function');
  });
});
