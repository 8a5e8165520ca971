import { describe, expect, it } from 'vitest';
import { slotsFor } from './ngramIndex.js';

describe('NgramIndex', () => {
  it('slotsFor gives the power of two at least twice the capacity (at least 32)', () => {
    expect([1, 16, 17, 1000, 1 << 20].map(slotsFor)).toEqual([32, 32, 64, 2048, 1 << 21]);
  });
});
