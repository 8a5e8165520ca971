import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { countKenlmText } from './countKenlmText.js';
import { countKenlmTextFile } from './countKenlmTextFile.js';

describe('countKenlmTextFile', () => {
  it('counts a file or a stream as countKenlmText counts its bytes, and names a missing or unreadable file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlpkit-kenlm-text-'));
    try {
      const text = 'the cat sat\n\nthe\u00a0dog sat\r\nlast';
      writeFileSync(join(dir, 'train.txt'), text);
      const expected = countKenlmText([new TextEncoder().encode(text)], { order: 3 });
      const fromFile = await countKenlmTextFile(join(dir, 'train.txt'), { order: 3 });
      const fromStream = await countKenlmTextFile(Readable.from([Buffer.from(text)]), { order: 3 });
      for (const counts of [fromFile, fromStream]) {
        expect(counts.wordIndex.words()).toEqual(expected.wordIndex.words());
        expect(counts.counts).toEqual(expected.counts);
      }
      await expect(countKenlmTextFile(join(dir, 'missing.txt'), { order: 3 })).rejects.toMatchObject({ code: 'ERR_FILE_NOT_FOUND' });
      await expect(countKenlmTextFile(dir, { order: 3 })).rejects.toMatchObject({ code: 'ERR_FILE_UNREADABLE' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
