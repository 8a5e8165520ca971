import { open } from 'node:fs/promises';
import type { CorpusLayout } from './corpusPlan.js';
import { type Shard, planShards } from './shards.js';

/** ASCII whitespace other than the newline: what a blank line may hold (`\r` of CRLF included). */
const isSpace = (byte: number): boolean => byte === 32 || byte === 9 || byte === 13 || byte === 11 || byte === 12;

/** The start of the line after the first blank line at or after the line starting at byte `at` (`size` if none). */
async function afterBlankLine(handle: Awaited<ReturnType<typeof open>>, at: number, size: number): Promise<number> {
  const window = Buffer.alloc(1 << 16);
  let blank = true;
  for (let pos = at; pos < size; ) {
    const { bytesRead } = await handle.read(window, 0, window.length, pos);
    if (bytesRead === 0) break;
    for (let i = 0; i < bytesRead; i++) {
      const byte = window[i]!;
      if (byte === 10) {
        if (blank) return pos + i + 1;
        blank = true;
      } else if (!isSpace(byte)) blank = false;
    }
    pos += bytesRead;
  }
  return size;
}

/**
 * Cuts one text file into about `count` chunks of similar size, in input order: with `lines`, just after any
 * newline ({@link planShards}); with `blocks`, only just after a blank line, so no record of several lines (a CoNLL
 * sentence) is split between chunks — a file with few blank lines gives fewer chunks. Empty files give none.
 */
export async function planCorpusChunks(input: string, count: number, split: CorpusLayout): Promise<Shard[]> {
  const shards = await planShards([input], count);
  if (split === 'lines' || shards.length < 2) return shards;
  const { path } = shards[0]!;
  const size = shards[shards.length - 1]!.end;
  const cuts = [0];
  const handle = await open(path, 'r');
  try {
    for (const shard of shards.slice(1)) {
      const last = cuts[cuts.length - 1]!;
      if (shard.start <= last) continue;
      // Blank lines are ASCII whitespace only here; a line of other Unicode spaces (which readers treat as blank
      // too) only moves the cut further on, never into a record.
      const cut = await afterBlankLine(handle, shard.start, size);
      if (cut < size && cut > last) cuts.push(cut);
    }
  } finally {
    await handle.close();
  }
  cuts.push(size);
  return cuts.slice(1).map((end, i) => ({ path, start: cuts[i]!, end }));
}
