import { describe, expect, it } from 'vitest';
import { jsonNestingExceeds } from './jsonNestingExceeds.js';

describe('jsonNestingExceeds', () => {
  it('counts brackets outside strings, for text and bytes alike', () => {
    const cases: [string, number, boolean][] = [
      ['{"a": [1, {"b": 2}]}', 3, false],
      ['{"a": [1, {"b": 2}]}', 2, true],
      ['{"a": "[[[[[[[[[[{{{{{"}', 1, false],
      ['{"a": "\\"[[["}', 1, false],
      ['[]', 0, true],
      ['1', 0, false],
    ];
    for (const [json, max, deeper] of cases) {
      expect(jsonNestingExceeds(json, max), json).toBe(deeper);
      expect(jsonNestingExceeds(new TextEncoder().encode(json), max), json).toBe(deeper);
    }
  });
  it('stops early on hostile nesting', () => {
    expect(jsonNestingExceeds('['.repeat(10_000_000), 64)).toBe(true);
  });
});
