import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planCorpusChunks } from './corpusChunks.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-corpus-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('planCorpusChunks', () => {
  it('blocks: every chunk starts at a file start or just after a blank line (spaces and CRLF count as blank)', async () => {
    const path = join(dir, 'records.txt');
    const records = Array.from({ length: 200 }, (_, i) => Array.from({ length: 1 + (i % 5) }, (_, k) => `w${i}-${k}`).join('\n'));
    const separators = ['\n\n', '\n \t\n', '\r\n\r\n'];
    writeFileSync(path, `${records.map((r, i) => `${r}${separators[i % 3]}`).join('')}`);
    const bytes = await readFile(path);
    const chunks = await planCorpusChunks(path, 9, 'blocks');
    expect(chunks.length).toBeGreaterThan(4);
    expect(chunks[0]!.start).toBe(0);
    expect(chunks.at(-1)!.end).toBe(bytes.length);
    for (const [i, chunk] of chunks.entries()) {
      if (i > 0) {
        expect(chunk.start).toBe(chunks[i - 1]!.end);
        const before = bytes.subarray(0, chunk.start - 1).toString();
        expect(before.slice(before.lastIndexOf('\n') + 1).trim()).toBe('');
      }
    }
  });

  it('blocks: a file with no blank line is one chunk; lines: cut at any line', async () => {
    const path = join(dir, 'lines.txt');
    writeFileSync(path, `${Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n')}\n`);
    expect(await planCorpusChunks(path, 6, 'blocks')).toHaveLength(1);
    expect(await planCorpusChunks(path, 6, 'lines')).toHaveLength(6);
  });
});
