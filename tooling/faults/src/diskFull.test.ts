import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputError } from '@nlpkit/core';
import { estimateKneserNey } from '@nlpkit/ngram';
import { writeBinaryModelFile } from '@nlpkit/ngram/node';
import { writeCheckpointFile } from '@nlpkit/train/node';
import { referenceData } from '@nlpkit/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from './bundle.js';
import { runNode } from './processes.js';

// Issue 13 items 1 and 5 on a full disk: a 1 MiB tmpfs (mounted when the tests run as root) receives models and
// checkpoints larger than itself. Each write must fail with a clear message (OutputError, ENOSPC; exit code 1
// from the CLI), leave the previous file byte-identical and no temporary file, and let a later, smaller write
// succeed.
const ptb = referenceData('ptb/ptb.valid.txt');
const base = mkdtempSync(join(tmpdir(), 'nlpkit-faults-full-'));
const mountPoint = join(base, 'disk');
let skipReason: string | undefined;

beforeAll(() => {
  if (process.getuid?.() !== 0) {
    skipReason = 'ENOSPC tests need root to mount a small tmpfs';
    return;
  }
  try {
    execFileSync('mkdir', ['-p', mountPoint]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  } catch (error) {
    skipReason = `cannot mount a tmpfs here: ${(error as Error).message.split('\n')[0]}`;
  }
});

afterAll(() => {
  if (skipReason === undefined) execFileSync('umount', [mountPoint]);
  rmSync(base, { recursive: true, force: true });
});

/** A folder on the small disk with an existing file `name` holding `content`. */
function folderWith(name: string, content: string | Uint8Array): { folder: string; target: string } {
  const folder = mkdtempSync(join(mountPoint, 'f-'));
  const target = join(folder, name);
  writeFileSync(target, content);
  return { folder, target };
}

describe('a full disk (ENOSPC on a 1 MiB tmpfs)', ptb.options, () => {
  it('issue 13 item 1: nlpkit ngram train to a full disk exits 1 naming the file and ENOSPC; the old model stays, no temporary', async (ctx) => {
    if (skipReason !== undefined) ctx.skip(skipReason);
    const cli = await bundleCli();
    const { folder, target } = folderWith('model.arpa', 'the previous model\n');
    // Order 3 on PTB valid: an ARPA of several MB, larger than the whole disk.
    const result = await runNode([cli, 'ngram', 'train', '--order', '3', '--input', ptb.path('ptb/ptb.valid.txt'), '--arpa', target]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^nlpkit ngram: @nlpkit/ngram: could not write ${target}: ENOSPC: no space left on device, write; the previous file \\(if any\\) is unchanged\\n$`));
    expect(result.stdout).toBe('');
    expect(readdirSync(folder)).toEqual(['model.arpa']);
    expect(readFileSync(target, 'utf8')).toBe('the previous model\n');
    // The disk has room again for a small model: the next train succeeds.
    const small = join(base, 'small.txt');
    writeFileSync(small, 'a b c\nb c d\n');
    const next = await runNode([cli, 'ngram', 'train', '--order', '2', '--input', small, '--arpa', target]);
    expect(next.code, next.stderr).toBe(0);
    expect(readdirSync(folder)).toEqual(['model.arpa']);
  });

  it('issue 13 item 5: writeCheckpointFile to a full disk throws OutputError ENOSPC, keeps the old checkpoint, leaves no temporary; a smaller save then works', async (ctx) => {
    if (skipReason !== undefined) ctx.skip(skipReason);
    const old = new Uint8Array(100_000).fill(7);
    const { folder, target } = folderWith('model.ckpt', old);
    const error = await writeCheckpointFile(target, new Uint8Array(2 << 20).fill(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect(error).toMatchObject({ code: 'ERR_OUTPUT', systemCode: 'ENOSPC', path: target });
    expect(readdirSync(folder)).toEqual(['model.ckpt']);
    expect(readFileSync(target).equals(Buffer.from(old))).toBe(true);
    // Issue 13 item 5: a failed save used to keep its temporary, so every later (smaller) save failed too.
    await writeCheckpointFile(target, new Uint8Array(200_000).fill(2));
    expect(readdirSync(folder)).toEqual(['model.ckpt']);
    expect(readFileSync(target).length).toBe(200_000);
  });

  it('issue 13 item 1: writeBinaryModelFile to a full disk throws OutputError ENOSPC and keeps the old model', async (ctx) => {
    if (skipReason !== undefined) ctx.skip(skipReason);
    const lines = readFileSync(ptb.path('ptb/ptb.valid.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const { model } = estimateKneserNey(lines.map((l) => l.trim().split(' ')), { order: 3 });
    const { folder, target } = folderWith('model.bin', 'old binary');
    // The binary model (about 200 KB) fits an empty disk: fill it to 48 KB of free space first.
    const { bavail, bsize } = statfsSync(mountPoint);
    const filler = join(mountPoint, 'filler');
    writeFileSync(filler, new Uint8Array(Math.max(0, bavail * bsize - 48_000)));
    const error = await writeBinaryModelFile(model, target).catch((e: unknown) => e);
    rmSync(filler);
    // A short write (the disk had room for part of the one block) must not pass for a complete one: the file
    // would be a truncated model renamed over the old one.
    expect(error, `no error; ${target} now holds ${readFileSync(target).length} bytes`).toBeInstanceOf(OutputError);
    expect(error).toMatchObject({ code: 'ERR_OUTPUT', systemCode: 'ENOSPC', path: target });
    expect(readdirSync(folder)).toEqual(['model.bin']);
    expect(readFileSync(target, 'utf8')).toBe('old binary');
  });
});
