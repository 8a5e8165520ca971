import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directoryStorage } from './directoryStorage.js';

const root = mkdtempSync(join(tmpdir(), 'nlpkit-storage-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('directoryStorage', () => {
  const storage = directoryStorage(root);

  it('publishes a scratch file under its key by rename, replacing an earlier object, leaving no temporary', async () => {
    const scratch = await storage.scratch('run-1', 'job 1');
    writeFileSync(join(scratch, 'out.bin'), 'first');
    await storage.publish('runs/r/counts/part-0.bin', join(scratch, 'out.bin'));
    writeFileSync(join(scratch, 'out.bin'), 'second');
    await storage.publish('runs/r/counts/part-0.bin', join(scratch, 'out.bin'));
    expect(new TextDecoder().decode(await storage.read('runs/r/counts/part-0.bin'))).toBe('second');
    expect(existsSync(join(scratch, 'out.bin'))).toBe(false);
    expect(readdirSync(join(root, 'runs/r/counts'))).toEqual(['part-0.bin']);
    expect(await storage.localPath('runs/r/counts/part-0.bin')).toBe(join(root, 'runs/r/counts/part-0.bin'));
  });

  it("removes a run's scratch folders (those of jobs whose workers died), not another run's", async () => {
    const left = await storage.scratch('run-3', 'count 1');
    writeFileSync(join(left, 'partial.bin'), 'half');
    const other = await storage.scratch('run-4', 'count 1');
    await storage.removeScratch('run-3');
    expect(existsSync(left)).toBe(false);
    expect(existsSync(other)).toBe(true);
  });

  it('writes, tells what exists, removes by prefix', async () => {
    await storage.write('runs/s/plan.json', '{}');
    await storage.write('runs/s/a/b.json', '[]');
    expect(await storage.exists('runs/s/plan.json')).toBe(true);
    expect(await storage.exists('runs/s/nothing.json')).toBe(false);
    expect(await storage.exists('runs/s/a')).toBe(false); // a folder is not an object
    await storage.remove('runs/s/a');
    expect(await storage.exists('runs/s/a/b.json')).toBe(false);
    expect(await storage.exists('runs/s/plan.json')).toBe(true);
  });

  it('refuses keys that leave the storage or name its scratch folder', async () => {
    for (const key of ['../x', '/etc/passwd', 'a//b', 'a/./b', '', '.scratch/x']) {
      await expect(storage.write(key, 'x')).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', argument: 'key' });
    }
  });

  it('a publish that cannot happen is an OutputError naming the object', async () => {
    await storage.write('file', 'x');
    const scratch = await storage.scratch('run-2', 'job');
    writeFileSync(join(scratch, 'y'), 'y');
    await expect(storage.publish('file/below', join(scratch, 'y'))).rejects.toMatchObject({ code: 'ERR_OUTPUT', path: join(root, 'file', 'below') });
  });
});
