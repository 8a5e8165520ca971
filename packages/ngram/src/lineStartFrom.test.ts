import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineStartFrom } from './lineStartFrom.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-line-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** lineStartFrom over a file holding `text`. */
function startsIn(text: string, froms: readonly number[]): number[] {
  const path = join(dir, 'text.txt');
  writeFileSync(path, text);
  const fd = openSync(path, 'r');
  try {
    return froms.map((from) => lineStartFrom(fd, from, text.length));
  } finally {
    closeSync(fd);
  }
}

describe('lineStartFrom', () => {
  it('finds the next line start near and far (past the first reads of 4, 8, … 64 KiB), or the end of the file', () => {
    const text = `ab\n${'x'.repeat(10_000)}\n${'y'.repeat(200_000)}\nend`;
    const second = 3;
    const third = second + 10_001;
    const fourth = third + 200_001;
    expect(startsIn(text, [0, 2, 3, 4, 9_000, third - 1, third, third + 1, fourth - 2, fourth, text.length - 1])).toEqual([
      second,
      second,
      third,
      third,
      third,
      third,
      fourth,
      fourth,
      fourth,
      text.length,
      text.length,
    ]);
    // No newline after `from`: the end.
    expect(startsIn('no newline at all', [0, 5])).toEqual([17, 17]);
  });
});
