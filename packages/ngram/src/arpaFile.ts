import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { LineCursor } from './arpaScanner.js';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { type ReadArpaOptions, readArpaCursor } from './readArpa.js';
import { arpaChunks } from './writeArpa.js';

/** Writes `model` as an ARPA file, streaming (Node only: `@nlpkit/ngram/node`). */
export function writeArpaFile(model: BackoffLanguageModel, path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const chunk of arpaChunks(model)) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads an ARPA file, streaming it in 4 MiB chunks that the reader scans in place (Node only:
 * `@nlpkit/ngram/node`). Lines end at `\n`; trailing `\r`s are dropped.
 */
export function readArpaFile(path: string, options: ReadArpaOptions = {}): BackoffLanguageModel {
  return readArpaCursor(new LineCursor(fileChunks(path, 1 << 22), false, 2), options);
}

/** UTF-8 text of a file in chunks of about `chunkBytes` (a character split across reads is kept whole). */
function* fileChunks(path: string, chunkBytes: number): Generator<string, void, undefined> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    const decoder = new StringDecoder('utf8');
    for (;;) {
      const read = readSync(fd, buffer, 0, chunkBytes, null);
      if (read === 0) break;
      yield decoder.write(buffer.subarray(0, read));
    }
    const rest = decoder.end();
    if (rest !== '') yield rest;
  } finally {
    closeSync(fd);
  }
}
