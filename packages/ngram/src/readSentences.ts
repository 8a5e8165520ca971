import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * Lines of a UTF-8 file, read in 1 MiB chunks so files larger than memory stream through (no trailing `\r`).
 * Node only: exported from `@nlpkit/ngram/node`.
 */
export function* readLines(path: string, chunkBytes = 1 << 20): Generator<string, void, undefined> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (;;) {
      const read = readSync(fd, buffer, 0, chunkBytes, null);
      if (read === 0) break;
      const text = rest + decoder.write(buffer.subarray(0, read));
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
    }
    rest += decoder.end();
    if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
  } finally {
    closeSync(fd);
  }
}

/**
 * Sentences of a text file with one sentence per line and whitespace-separated tokens (the KenLM / PTB format).
 * Empty lines are skipped, as KenLM's lmplz skips them.
 */
export function* readSentences(path: string): Generator<string[], void, undefined> {
  for (const line of readLines(path)) {
    const words = line.split(/\s+/).filter((w) => w !== '');
    if (words.length > 0) yield words;
  }
}
