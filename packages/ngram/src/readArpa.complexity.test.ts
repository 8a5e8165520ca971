import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NlpkitError } from '@nlpkit/core';
import { measureRatio } from '@nlpkit/vitest-config';
import { describe, expect, it } from 'vitest';
import { syntheticArpa } from '../test/syntheticArpa.js';
import { readArpaFile } from './arpaFile.js';
import { LineCursor } from './arpaScanner.js';
import { readArpa, readArpaLines } from './readArpa.js';

const MB = 1 << 20;

/** Ratio of the 10 MB time over the 1 MB time (floored at 20 ms), logged for the closing note. */
function ratio(name: string, small: () => void, large: () => void): number {
  const r = measureRatio(name, small, large);
  console.info(`complexity ${name}: 1 MB ${r.smallMs} ms, 10 MB ${r.largeMs} ms, ratio ${r.ratio}`);
  return r.ratio;
}

/** `text` in chunks of 64 KiB, as a file reader gives it. */
function chunks(text: string, size = 1 << 16): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function drain(cursor: LineCursor): number {
  let n = 0;
  while (cursor.next()) n += cursor.end - cursor.start;
  return n;
}

function throwsNlpkit(run: () => unknown): () => void {
  return () => {
    try {
      run();
    } catch (error) {
      if (error instanceof NlpkitError) return;
      throw error;
    }
    throw new Error('expected an NlpkitError');
  };
}

describe('ARPA reading is linear (issue 13 item 2)', () => {
  it('issue 13 item 2: the line scanner on newline-free input in 64 KiB chunks (was quadratic)', () => {
    const junk1 = chunks('x'.repeat(MB));
    const junk10 = chunks('x'.repeat(10 * MB));
    const cr1 = chunks('-1 w\r'.repeat(MB / 5));
    const cr10 = chunks('-1 w\r'.repeat((10 * MB) / 5));
    const unlimited = (c: string[]) => () => expect(drain(new LineCursor(c, false, 2, Number.POSITIVE_INFINITY))).toBe(c.reduce((s, x) => s + x.length, 0) - (c.at(-1)!.endsWith('\r') ? 1 : 0));
    expect(ratio('LineCursor, no newline', unlimited(junk1), unlimited(junk10))).toBeLessThanOrEqual(15);
    expect(ratio('LineCursor, \\r only', unlimited(cr1), unlimited(cr10))).toBeLessThanOrEqual(15);
  });

  it('issue 13 item 2: readArpa, readArpaLines and readArpaFile on newline-free junk and \\r-only text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlpkit-arpa-complexity-'));
    try {
      const junk1 = 'x'.repeat(MB);
      const junk10 = 'x'.repeat(10 * MB);
      expect(ratio('readArpa, no newline', throwsNlpkit(() => readArpa(junk1)), throwsNlpkit(() => readArpa(junk10)))).toBeLessThanOrEqual(15);
      expect(ratio('readArpaLines, one huge line', throwsNlpkit(() => readArpaLines([junk1])), throwsNlpkit(() => readArpaLines([junk10])))).toBeLessThanOrEqual(15);
      const cr = (bytes: number): string => `\\data\\\rngram 1=1\r${'-1 w\r'.repeat(bytes / 5)}`;
      writeFileSync(join(dir, 'cr1.arpa'), cr(MB));
      writeFileSync(join(dir, 'cr10.arpa'), cr(10 * MB));
      const file1 = throwsNlpkit(() => readArpaFile(join(dir, 'cr1.arpa')));
      const file10 = throwsNlpkit(() => readArpaFile(join(dir, 'cr10.arpa')));
      expect(ratio('readArpaFile, \\r only', file1, file10)).toBeLessThanOrEqual(15);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('issue 13 item 2: readArpa and readArpaFile on a real ARPA text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlpkit-arpa-complexity-'));
    try {
      const small = syntheticArpa(MB);
      const large = syntheticArpa(10 * MB);
      expect(readArpa(small).counts[1]).toBeGreaterThan(30_000);
      expect(ratio('readArpa, real ARPA', () => readArpa(small), () => readArpa(large))).toBeLessThanOrEqual(15);
      writeFileSync(join(dir, 'small.arpa'), small);
      writeFileSync(join(dir, 'large.arpa'), large);
      const r = ratio('readArpaFile, real ARPA', () => readArpaFile(join(dir, 'small.arpa')), () => readArpaFile(join(dir, 'large.arpa')));
      expect(r).toBeLessThanOrEqual(15);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
