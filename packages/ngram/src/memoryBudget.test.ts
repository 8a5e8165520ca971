import { describe, expect, it } from 'vitest';
import { MemoryBudget, backingStore, collectDroppedArrays } from './memoryBudget.js';

describe('MemoryBudget (out-of-core memory accounting)', () => {
  it('counts the bytes of the arrays it gives (their views, not the memory reserved behind large ones)', () => {
    const budget = new MemoryBudget(64 << 20);
    const small = budget.uint32(1000);
    const large = budget.float64(1 << 18); // 2 MiB: reserved as a mapping of its own
    expect(small.length).toBe(1000);
    expect(large.length).toBe(1 << 18);
    expect(large.byteLength).toBe(2 << 20);
    expect(large.buffer.byteLength).toBeGreaterThan(32 << 20);
    expect(large.every((x) => x === 0)).toBe(true);
    expect(budget.used).toBe(4000 + (2 << 20));
    budget.release(large.byteLength);
    budget.release(small.byteLength);
    expect(budget.used).toBe(0);
    expect(budget.peak).toBe(4000 + (2 << 20));
    // A later hold after much was released (a full collection first) counts as before.
    budget.release(0);
    expect(budget.int32(16).length).toBe(16);
    expect(budget.used).toBe(64);
  });

  it('backingStore: exact size up to 1 MiB, at least 32 MiB above', () => {
    expect(backingStore(1 << 20).byteLength).toBe(1 << 20);
    expect(backingStore((1 << 20) + 4).byteLength).toBeGreaterThan(32 << 20);
    expect(backingStore(40 << 20).byteLength).toBe(40 << 20);
  });

  it('collectDroppedArrays gives the memory of dropped arrays back before it returns (not on a background thread later)', () => {
    const rss = (): number => process.memoryUsage().rss;
    let arrays: Uint8Array[] | undefined = Array.from({ length: 6 }, () => new Uint8Array(backingStore(40 << 20)).fill(1));
    const full = rss();
    expect(arrays.length).toBe(6);
    arrays = undefined;
    collectDroppedArrays();
    // 240 MiB were resident; read at once, most of it must be gone (the concurrent sweeper takes milliseconds more).
    expect(full - rss()).toBeGreaterThan(160 << 20);
  });
});
