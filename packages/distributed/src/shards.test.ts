import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '@nlpkit/core';
import { readLines } from '@nlpkit/text/node';
import { afterAll, describe, expect, it } from 'vitest';
import { planShards, shardLines } from './shards.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-shards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function linesOfShards(paths: string[], count: number): Promise<string[]> {
  const lines: string[] = [];
  for (const shard of await planShards(paths, count)) lines.push(...(await collect(shardLines(shard))));
  return lines;
}

const TEXTS: Record<string, string> = {
  plain: 'a b c\nd e\nf\n',
  'no final newline': 'a b c\nd e\nf g',
  'byte-order mark, CRLF and blank lines': '\ufeffa b\r\n\r\n\nc d\r\ne\n',
  'multi-byte words': 'é ü 漢字\n😀 x\nÅ\n'.repeat(50),
  'one long line': `${'w '.repeat(5000)}\n`,
};

describe('planShards / shardLines', () => {
  for (const [name, text] of Object.entries(TEXTS)) {
    it(`${name}: the shards' lines, in order, are readLines' lines of the file, for 1 to 9 shards`, async () => {
      const path = join(dir, `${name.replace(/\W/g, '_')}.txt`);
      writeFileSync(path, text);
      const expected = await collect(readLines(path));
      for (let count = 1; count <= 9; count++) expect(await linesOfShards([path], count)).toEqual(expected);
    });
  }

  it('cuts only after newlines, covers every byte once, and keeps files apart', async () => {
    const a = join(dir, 'a.txt');
    const b = join(dir, 'b.txt');
    const empty = join(dir, 'empty.txt');
    writeFileSync(a, 'x y\n'.repeat(1000));
    writeFileSync(b, 'last line without newline');
    writeFileSync(empty, '');
    const shards = await planShards([a, empty, b], 8);
    expect(shards.filter((s) => s.path === empty)).toEqual([]);
    const ofA = shards.filter((s) => s.path === a);
    expect(ofA.length).toBeGreaterThan(1);
    expect(ofA[0]!.start).toBe(0);
    for (let i = 1; i < ofA.length; i++) {
      expect(ofA[i]!.start).toBe(ofA[i - 1]!.end);
      expect(ofA[i]!.start % 4).toBe(0); // just after a "\n" of a 4-byte line
    }
    expect(ofA[ofA.length - 1]!.end).toBe(4000);
    expect(await linesOfShards([a, empty, b], 8)).toEqual([...(await collect(readLines(a))), 'last line without newline']);
  });

  it('a missing input is an error naming the file', async () => {
    await expect(planShards([join(dir, 'missing.txt')], 2)).rejects.toMatchObject({ code: 'ERR_FILE_NOT_FOUND', argument: 'options.input' });
  });
});
