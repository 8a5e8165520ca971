import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Streams the lines of a text file (LF or CRLF), without their line endings, so readers can process files larger
 * than memory. Node only: import it from `@nlpkit/text/node`.
 *
 * @param path file path or `file:` URL
 * @example
 * import { readConll } from '@nlpkit/text';
 * import { readLines } from '@nlpkit/text/node';
 * for await (const sentence of readConll(readLines('train.conll'))) { ... }
 */
export async function* readLines(path: string | URL, encoding: BufferEncoding = 'utf8'): AsyncGenerator<string> {
  if (typeof path !== 'string' && !(path instanceof URL)) {
    throw new TypeError(`@nlpkit/text: path must be a string or URL, got ${path === null ? 'null' : typeof path}`);
  }
  const stream = createReadStream(path, { encoding });
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
    stream.destroy();
  }
}
