import type * as Fs from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Counts the flushes to disk: fsyncSync (the sync writer, and the folder after a rename) and a file handle's
// sync/datasync (the async writer).
const flushes = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  return {
    ...fs,
    fsyncSync: (fd: number) => {
      flushes.count++;
      fs.fsyncSync(fd);
    },
  };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof FsPromises>();
  return {
    ...fsp,
    open: async (...args: Parameters<typeof fsp.open>) => {
      const handle = await fsp.open(...args);
      const sync = handle.sync.bind(handle);
      const datasync = handle.datasync.bind(handle);
      handle.sync = async () => {
        flushes.count++;
        await sync();
      };
      handle.datasync = async () => {
        flushes.count++;
        await datasync();
      };
      return handle;
    },
  };
});

const { writeFileAtomic, writeFileAtomicSync } = await import('./writeFileAtomic.js');

describe('writeFileAtomic with durable: false (scratch files)', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('writes the same bytes atomically without flushing to disk; by default it flushes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nlpkit-durable-'));
    const target = join(dir, 'run.bin');
    // 40 MiB in 1 MiB chunks: with overlap, a durable write flushes in the background every 16 MiB too.
    const chunks = (): Uint8Array[] => Array.from({ length: 40 }, (_, i) => new Uint8Array(1 << 20).fill(i));
    for (const durable of [false, true]) {
      for (const write of ['sync', 'async', 'async overlap'] as const) {
        flushes.count = 0;
        if (write === 'sync') writeFileAtomicSync(target, chunks(), durable ? {} : { durable });
        else await writeFileAtomic(target, chunks(), { overlap: write === 'async overlap', ...(durable ? {} : { durable }) });
        const bytes = readFileSync(target);
        expect(bytes.length, `${write}, durable ${durable}`).toBe(40 << 20);
        expect([bytes[0], bytes[(1 << 20) * 17], bytes[bytes.length - 1]]).toEqual([0, 17, 39]);
        expect(readdirSync(dir), 'no temporary left').toEqual(['run.bin']);
        if (durable) expect(flushes.count, `${write}: flushes`).toBeGreaterThanOrEqual(write === 'async overlap' ? 3 : 1);
        else expect(flushes.count, `${write}: flushes`).toBe(0);
      }
    }
  });
});
