import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockedTokens } from './ngramBlocking.js';

const ngrams = (ids: readonly number[], n: number): string[] => {
  const out: string[] = [];
  for (let i = 0; i + n <= ids.length; i++) out.push(ids.slice(i, i + n).join(','));
  return out;
};

describe('blockedTokens', () => {
  it('blocks exactly the tokens whose n-gram with the last n-1 tokens already occurred', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 12 }), fc.integer({ min: 1, max: 4 }), (ids, n) => {
        const blocked = blockedTokens(ids, n);
        for (let v = 0; v <= 3; v++) {
          const last = ngrams([...ids, v], n).at(-1);
          const repeats = ids.length >= n - 1 && last !== undefined && ngrams(ids, n).includes(last);
          expect(blocked.has(v)).toBe(repeats);
        }
      }),
    );
  });

  it('blocks nothing when off or too short', () => {
    expect([...blockedTokens([1, 2, 1], 0)]).toEqual([]);
    expect([...blockedTokens([1, 2, 1], 2)]).toEqual([2]);
    expect([...blockedTokens([1, 2, 1, 2], 1)].sort()).toEqual([1, 2]);
    expect([...blockedTokens([1], 3)]).toEqual([]);
  });
});
