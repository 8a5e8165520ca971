import { readFileSync } from 'node:fs';
import * as core from '@nlpkit/core';
import * as ngram from '@nlpkit/ngram';
import * as text from '@nlpkit/text';
import { describe, expect, it } from 'vitest';
import * as metrics from './index.js';

// Runs every ```js example of README.md against the sources, with its imports bound to the real packages, and
// checks the values its comments show, so the README cannot drift from the code (or from the packages it chains).
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const examples = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const modules: Record<string, unknown> = { '@nlpkit/metrics': metrics, '@nlpkit/core': core, '@nlpkit/ngram': ngram, '@nlpkit/text': text };
const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<void>;

async function run(example: string): Promise<unknown[][]> {
  const printed: unknown[][] = [];
  const body = example
    .replace(/^import \{([^}]*)\} from '([^']+)';$/gm, (_, names: string, from: string) => {
      if (!(from in modules)) throw new Error(`README imports ${from}, which this test does not provide`);
      return `const {${names}} = modules['${from}'];`;
    })
    .replaceAll('console.log', 'log');
  await new AsyncFunction('modules', 'log', body)(modules, (...args: unknown[]) => printed.push(args));
  return printed;
}

describe('README examples', () => {
  it('has the three examples this test checks', () => {
    expect(examples).toHaveLength(3);
  });
  it('metrics on their own', async () => {
    const printed = await run(examples[0]!);
    expect(printed[0]).toEqual(['40.98', 'nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0']);
    expect(printed[1]).toEqual(['53.17']);
    expect(printed[2]).toEqual(['42.86']);
    expect(printed[3]).toEqual([0.5, { precision: 1, recall: 1, f1: 1, support: 1 }]);
    expect(printed[4]?.[0]).toBeCloseTo(2.8284271247, 9);
    expect(examples[0]).toContain('// 40.98 nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
    expect(examples[0]).toContain('// 53.17 (chrF2++)');
    expect(examples[0]).toContain('// 42.86 (TER, in percent)');
  });
  it('chained with text, ngram and core, with no glue', async () => {
    const printed = await run(examples[1]!);
    expect(printed[0]).toEqual([0.5]);
    expect(printed[1]).toEqual([
      [
        { label: 'PER', start: 0, end: 2 },
        { label: 'ORG', start: 3, end: 4 },
      ],
    ]);
    expect(printed[2]).toEqual(['3.8868']);
    expect(printed[3]).toEqual(['3.8868']);
    expect(printed[4]).toEqual([{ edits: 1, refLength: 5 }]);
    expect(examples[1]).toContain("// [{ label: 'PER', start: 0, end: 2 }, { label: 'ORG', start: 3, end: 4 }]");
    expect(examples[1]).toContain('// 3.8868\n');
    expect(examples[1]).toContain('// { edits: 1, refLength: 5 }');
  });
  it('streaming, async input and bootstrap', async () => {
    const printed = await run(examples[2]!);
    expect(printed[0]).toEqual([true]);
    expect(printed[1]?.[0]).toMatch(/^\d+\.\d\d \(μ = \d+\.\d\d ± \d+\.\d\d\)$/);
  });
});
