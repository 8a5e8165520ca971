import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readCheckpointFile, writeFileAtomic } from './node.js';

describe('writeFileAtomic', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('replaces the file in one rename and leaves no temporary file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlpkit-train-'));
    dirs.push(dir);
    const path = join(dir, 'model.ckpt');
    writeFileSync(path, 'old');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect(Array.from(await readCheckpointFile(path))).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['model.ckpt']);
  });

  it('fails without touching the target when the folder does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlpkit-train-'));
    dirs.push(dir);
    await expect(writeFileAtomic(join(dir, 'missing', 'x.ckpt'), new Uint8Array([1]))).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
