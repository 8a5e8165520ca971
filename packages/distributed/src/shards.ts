import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { inputFileError } from '@nlpkit/core/node';
import { PKG } from './errors.js';

/** One shard of a corpus: the lines of `path` from byte `start` (a line start) to byte `end` (excluded, a line start or the end). */
export interface Shard {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Cuts text files into about `count` shards of similar size (byte ranges cut just after a newline, so no line
 * is split; a file is never joined with the next), in input order: shard by shard, their lines are the corpus's
 * lines in order. Reads only a few bytes around each cut. Empty files give no shard; paths are made absolute.
 */
export async function planShards(given: readonly string[], count: number): Promise<Shard[]> {
  // Absolute, so that workers started in other folders read the same files.
  const paths = given.map((path) => resolve(path));
  const sizes: number[] = [];
  for (const path of paths) {
    try {
      sizes.push((await stat(path)).size);
    } catch (cause) {
      throw inputFileError(path, cause, { package: PKG, argument: 'options.input' });
    }
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  const shards: Shard[] = [];
  for (const [i, path] of paths.entries()) {
    const size = sizes[i]!;
    if (size === 0) continue;
    const parts = Math.max(1, Math.round((count * size) / Math.max(1, total)));
    const cuts: number[] = [0];
    const handle = await open(path, 'r');
    try {
      const window = Buffer.alloc(1 << 16);
      for (let j = 1; j < parts; j++) {
        // Just after the first newline at or after byte ⌊j·size/parts⌋ − 1.
        let at = Math.max(cuts[cuts.length - 1]!, Math.floor((j * size) / parts) - 1);
        let cut = size;
        while (at < size) {
          const { bytesRead } = await handle.read(window, 0, window.length, at);
          if (bytesRead === 0) break;
          const nl = window.subarray(0, bytesRead).indexOf(10);
          if (nl !== -1) {
            cut = at + nl + 1;
            break;
          }
          at += bytesRead;
        }
        if (cut < size && cut > cuts[cuts.length - 1]!) cuts.push(cut);
      }
    } finally {
      await handle.close();
    }
    cuts.push(size);
    for (let j = 0; j + 1 < cuts.length; j++) shards.push({ path, start: cuts[j]!, end: cuts[j + 1]! });
  }
  return shards;
}

/**
 * The lines of a shard, as `@nlpkit/text/node`'s `readLines` gives the lines of the whole file (UTF-8, a final
 * `\r` dropped, the byte-order mark dropped at the start of the file only, no empty line after a final newline).
 */
export async function* shardLines(shard: Shard): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const stream = createReadStream(shard.path, { start: shard.start, end: shard.end - 1, highWaterMark: 1 << 20 });
  let first = shard.start === 0;
  const decode = (bytes: Uint8Array): string => {
    let line = decoder.decode(bytes);
    if (first) {
      // readLines: the decoder drops one mark, then a mark at the start of the text is dropped once more.
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      first = false;
    }
    return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
  };
  let rest: Buffer | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let bytes = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
      let from = 0;
      let nl: number;
      while ((nl = bytes.indexOf(10, from)) !== -1) {
        yield decode(bytes.subarray(from, nl));
        from = nl + 1;
      }
      bytes = bytes.subarray(from);
      rest = bytes.length > 0 ? Buffer.from(bytes) : undefined;
    }
  } catch (cause) {
    if (typeof (cause as { syscall?: unknown } | null)?.syscall === 'string') throw inputFileError(shard.path, cause, { package: PKG, argument: 'shard' });
    throw cause;
  } finally {
    stream.destroy();
  }
  if (rest !== undefined) yield decode(rest);
}
