import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMerges, mergeTable } from './applyMerges.js';

/** The textbook procedure the heap replaces: find the lowest-ranked pair, merge all its occurrences, repeat. */
function reference(symbols: string[], merges: readonly (readonly [string, string])[]): string[] {
  const rank = new Map<string, number>();
  merges.forEach(([a, b], r) => {
    const key = `${a.length}:${a}${b}`;
    if (!rank.has(key)) rank.set(key, r);
  });
  let current = symbols;
  for (;;) {
    let best = Infinity;
    let at = -1;
    for (let k = 0; k + 1 < current.length; k++) {
      const r = rank.get(`${(current[k] as string).length}:${current[k]}${current[k + 1]}`);
      if (r !== undefined && r < best) {
        best = r;
        at = k;
      }
    }
    if (at < 0) return current;
    const [a, b] = [current[at] as string, current[at + 1] as string];
    const out: string[] = [];
    for (let k = 0; k < current.length; k++) {
      if (current[k] === a && current[k + 1] === b) {
        out.push(a + b);
        k++;
      } else out.push(current[k] as string);
    }
    current = out;
  }
}

function run(symbols: string[], merges: readonly (readonly [string, string])[]): string[] {
  const table = mergeTable(merges, 'merges');
  const result = applyMerges(Int32Array.from(symbols, (s) => table.ids.get(s) ?? -1), table);
  return Array.from(result.ids, (id, j) => (id >= 0 ? (table.strings[id] as string) : (symbols[result.starts[j] as number] as string)));
}

describe('applyMerges', () => {
  it('merges lowest rank first, every occurrence left to right', () => {
    const merges = [['a', 'a'], ['aa', 'a'], ['b', 'aa']] as const;
    expect(run([...'aaaaab'], merges)).toEqual(reference([...'aaaaab'], merges));
    expect(run([...'aaa'], merges)).toEqual(['aaa']);
    expect(run([...'baaaa'], merges)).toEqual(['baa', 'aa']);
    expect(run([], merges)).toEqual([]);
    expect(run(['x'], merges)).toEqual(['x']);
  });

  it('equals the re-scanning procedure on random pieces and merge lists, odd orders included (property)', () => {
    const symbol = fc.constantFrom('a', 'b', 'c', 'ab', 'ba', 'aa', 'abc', 'x');
    fc.assert(
      fc.property(fc.array(fc.tuple(symbol, symbol), { maxLength: 12 }), fc.array(fc.constantFrom('a', 'b', 'c', 'x'), { maxLength: 40 }), (merges, symbols) => {
        expect(run(symbols, merges)).toEqual(reference(symbols, merges));
      }),
      { numRuns: 2000, seed: 13 },
    );
  });

  it('is O(n log n) on a million symbols', () => {
    const symbols = Array.from({ length: 1_000_000 }, (_, i) => 'abc'[i % 3] as string);
    const t0 = performance.now();
    const out = run(symbols, [['a', 'b'], ['ab', 'c'], ['abc', 'abc']]);
    // 333,333 'abc' and one 'a'; then pairs of 'abc': 166,666 'abcabc', one 'abc', the 'a'.
    expect(out.length).toBe(166_668);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
