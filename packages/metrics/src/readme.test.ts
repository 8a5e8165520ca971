import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as metrics from './index.js';

// Runs the first example of README.md against the sources and checks the values its comments show, so the
// README cannot drift from the code.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

describe('README example', () => {
  it('runs and prints what its comments say', () => {
    const printed: unknown[][] = [];
    const body = example.replace(/^import .*$/m, '').replaceAll('console.log', 'log');
    const names = Object.keys(metrics);
    new Function('metrics', 'log', `const { ${names.join(', ')} } = metrics;\n${body}`)(metrics, (...args: unknown[]) => printed.push(args));
    expect(printed[0]).toEqual(['40.98', 'nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0']);
    expect(printed[3]).toEqual([0.5, { precision: 1, recall: 1, f1: 1, support: 1 }]);
    expect(printed[4]?.[0]).toBeCloseTo(2.8284271247, 9);
    expect(example).toContain('// 40.98 nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
  });
});
