import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, createRng } from '@nlpkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countKenlmFileOnDisk } from './countKenlmFileOnDisk.js';
import { countKenlmTextOnDisk } from './countNgramsOnDisk.js';
import { NgramInputError } from './errors.js';
import { estimateKneserNeyOnDisk } from './estimateKneserNeyOnDisk.js';
import { workerEntry } from './workerEntry.js';
import { diskCountContents } from '../test/diskCountContents.js';

const fastTmp = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

/**
 * Text read as lmplz reads it, with what a cut at a line start could get wrong: every line starts with U+FEFF (a
 * byte-order mark only at the very start of the file, word text everywhere else), U+00A0 and U+3000 inside words,
 * tabs, empty lines, and words first seen late in the file (their ids depend on every part before them).
 */
function text(lines: number, seed: number): string {
  const rng = createRng(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const words = Array.from({ length: Math.floor(rng.next() * 12) }, () => `w${Math.floor(rng.next() * rng.next() * (50 + i))}`);
    if (i % 5 === 0) words.push('a\u00a0b', 'c\u3000d');
    out.push(`\ufeff${words.join(i % 7 === 0 ? '\t' : ' ')}`);
  }
  return `${out.join('\n')}\nlast line, no newline`;
}

describe('countKenlmFileOnDisk: counting a text file on several threads (issue 11)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(fastTmp, 'nlpkit-file-count-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('its worker entry is built (the package builds before its tests): otherwise every case below runs on one thread', () => {
    expect(workerEntry('kenlmCountWorker')).toBeDefined();
  });

  it.each([2, 3, 5])('on %i threads writes the same files, words (ids), counts and totals as one pass over the bytes', async (threads) => {
    const path = join(dir, 'text.txt');
    const bytes = new TextEncoder().encode(text(3000, threads));
    writeFileSync(path, bytes);
    for (const order of [1, 3]) {
      const options = (name: string) => ({ order, memoryBytes: 1 << 20, directory: join(dir, `${name}-${order}`) });
      const expected = diskCountContents(countKenlmTextOnDisk([bytes], options('one-pass')));
      let lines = 0;
      const result = await countKenlmFileOnDisk(path, { ...options('threads'), threads, onLines: (n) => (lines = Math.max(lines, n)) });
      expect(diskCountContents(result)).toEqual(expected);
      // At least one run per part: the parts were counted apart.
      expect(result.runs).toBeGreaterThanOrEqual(threads);
      expect(lines).toBeGreaterThan(3000);
      // Nothing but the result files is left.
      expect(readdirSync(result.directory).sort()).toEqual(Array.from({ length: order }, (_, n) => `counts-order-${n + 1}.bin`));
    }
  });

  it('estimateKneserNeyOnDisk({ kenlmFile }) on 3 threads writes the ARPA file { kenlmText } writes', async () => {
    const path = join(dir, 'text.txt');
    const bytes = new TextEncoder().encode(text(4000, 9));
    writeFileSync(path, bytes);
    const [one, three] = [join(dir, 'one.arpa'), join(dir, 'three.arpa')];
    await estimateKneserNeyOnDisk({ kenlmText: [bytes] }, { order: 4, memory: 1 << 20, output: one, tempDir: dir, discountFallback: { d1: 0.5, d2: 1, d3: 1.5 } });
    const result = await estimateKneserNeyOnDisk({ kenlmFile: path, threads: 3 }, { order: 4, memory: 1 << 20, output: three, tempDir: dir, discountFallback: { d1: 0.5, d2: 1, d3: 1.5 } });
    expect(result.runs).toBeGreaterThanOrEqual(3);
    expect(readFileSync(three).equals(readFileSync(one))).toBe(true);
  });

  it('bad text in a later part is reported naming its line in the whole file, as one pass reports it; nothing is left', async () => {
    const path = join(dir, 'bad.txt');
    const lines = text(2000, 4).split('\n');
    lines[1700] = 'x y </s> z';
    writeFileSync(path, lines.join('\n'));
    const out = join(dir, 'out');
    const error = await countKenlmFileOnDisk(path, { order: 3, memoryBytes: 1 << 20, directory: out, threads: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NgramInputError);
    expect(error).toMatchObject({ line: 1701 });
    expect(readdirSync(out)).toEqual([]);
  });

  it('abort stops the threads, throws the reason and removes everything it wrote', async () => {
    const path = join(dir, 'text.txt');
    writeFileSync(path, text(20000, 2));
    const out = join(dir, 'out');
    const ac = new AbortController();
    const reason = new Error('stop');
    const counting = countKenlmFileOnDisk(path, { order: 3, memoryBytes: 1 << 20, directory: out, threads: 2, signal: ac.signal, onLines: () => ac.abort(reason) });
    await expect(counting).rejects.toBe(reason);
    expect(readdirSync(out)).toEqual([]);
  });

  it('checks its arguments: threads, a path that is not a regular file, a missing file, options it does not know', async () => {
    const path = join(dir, 'text.txt');
    writeFileSync(path, 'a b\n');
    const options = { order: 2, memoryBytes: 1 << 20, directory: join(dir, 'out') };
    await expect(countKenlmFileOnDisk(path, { ...options, threads: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(countKenlmFileOnDisk(path, { ...options, threads: 1.5 })).rejects.toThrow(/options\.threads/);
    await expect(countKenlmFileOnDisk(dir, options)).rejects.toThrow(/a regular file/);
    await expect(countKenlmFileOnDisk(join(dir, 'missing.txt'), options)).rejects.toMatchObject({ code: 'ERR_FILE_NOT_FOUND' });
    await expect(countKenlmFileOnDisk(path, { ...options, startsText: false } as never)).rejects.toThrow(/startsText/);
    // A small file on one thread by default; the same counts.
    const result = await countKenlmFileOnDisk(path, options);
    expect([result.runs, result.sentences, result.tokens]).toEqual([1, 1, 3]);
  });
});
