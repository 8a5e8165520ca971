import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLog10f } from './log10f.js';

// glibc 2.36's log10f on float32 inputs (bit patterns), from scripts/golden/ngram/glibc_log10f.py.
const glibc = JSON.parse(readFileSync(new URL('../test/fixtures/glibc-log10f.json', import.meta.url), 'utf8')) as Record<
  'random' | 'notCorrectlyRounded' | 'edges',
  [number, number][]
>;
const toFloat = (bits: number): number => new Float32Array(new Uint32Array([bits]).buffer)[0]!;
const toBits = (x: number): number => new Uint32Array(new Float32Array([x]).buffer)[0]!;

describe('createLog10f', () => {
  for (const set of ['random', 'notCorrectlyRounded', 'edges'] as const) {
    it(`returns glibc's log10f bit for bit (${set} inputs)`, () => {
      const log10f = createLog10f();
      const wrong = glibc[set].filter(([x, y]) => toBits(log10f(toFloat(x))) !== y);
      expect(wrong).toEqual([]);
    });
  }

  it('differs from the correctly rounded log10 exactly where glibc does (the test can fail)', () => {
    const log10f = createLog10f();
    const rounded = glibc.notCorrectlyRounded.filter(([x]) => toBits(log10f(toFloat(x))) === toBits(Math.log10(toFloat(x))));
    expect(rounded).toEqual([]);
  });

  it('gives log10 of 0, 1, infinity and NaN as C does', () => {
    const log10f = createLog10f();
    expect([log10f(0), log10f(1), log10f(Infinity), log10f(Number.NaN), log10f(-1)]).toEqual([-Infinity, 0, Infinity, Number.NaN, Number.NaN]);
  });
});
