import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { writeArpaFile } from './arpaFile.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { parallelArpaChunks } from './parallelArpaChunks.js';
import { readArpa } from './readArpa.js';
import { arpaByteChunks } from './writeArpa.js';

// The formatting threads run the built worker script (dist/arpaFormatWorker.js; `pnpm test` builds first). Without
// it the writer formats on the calling thread, which these tests would not tell apart from the threaded path.
const built = existsSync(new URL('../dist/arpaFormatWorker.js', import.meta.url));

/** Enough n-grams that the higher orders take several pieces of 32,768 lines each. */
function corpus(): string[][] {
  const rng = createRng(7);
  return Array.from({ length: 9000 }, () => Array.from({ length: 12 }, () => `w${Math.floor(rng.next() ** 2 * 3000)}`));
}

async function bytesOf(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

describe.skipIf(!built)('parallelArpaChunks (needs the package built: the worker script is dist/arpaFormatWorker.js)', () => {
  const { model } = estimateKneserNey(corpus(), { order: 4 });

  it('writes the bytes of the single-thread writer, whatever the number of threads', async () => {
    expect(model.counts[3]).toBeGreaterThan(3 * 32_768);
    const single = await bytesOf(arpaByteChunks(model));
    for (const threads of [1, 2, 3]) {
      const parallel = await bytesOf(parallelArpaChunks(model, { threads }));
      expect(parallel.length).toBe(single.length);
      expect(createHash('sha256').update(parallel).digest('hex')).toBe(createHash('sha256').update(single).digest('hex'));
    }
  });

  it('writes models read from ARPA (ids already in suffix order) and tiny ones the same way', async () => {
    const reread = readArpa(new TextDecoder().decode(await bytesOf(arpaByteChunks(model))));
    expect((await bytesOf(parallelArpaChunks(reread, { threads: 2 }))).equals(await bytesOf(arpaByteChunks(reread)))).toBe(true);
    const tiny = estimateKneserNey([['a', 'b'], ['b', 'c', 'a']], { order: 3 }).model;
    expect((await bytesOf(parallelArpaChunks(tiny, { threads: 2 }))).equals(await bytesOf(arpaByteChunks(tiny)))).toBe(true);
  });

  it('writeArpaFile with threads writes the same file, and stops its threads when the consumer stops early', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlpkit-parallel-arpa-'));
    try {
      await writeArpaFile(model, join(dir, 'one.arpa'));
      await writeArpaFile(model, join(dir, 'two.arpa'), { threads: 2 });
      expect(readFileSync(join(dir, 'two.arpa')).equals(readFileSync(join(dir, 'one.arpa')))).toBe(true);
      for await (const chunk of parallelArpaChunks(model, { threads: 2 })) {
        expect(chunk.length).toBeGreaterThan(0);
        break; // the generator's finally terminates the workers: the test would hang on live threads otherwise
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('writeArpaFile threads option', () => {
  it('is checked', async () => {
    await expect(writeArpaFile(estimateKneserNey([['a']], { order: 2 }).model, join(tmpdir(), 'never.arpa'), { threads: -1 })).rejects.toThrow(/options.threads/);
  });
});
