import { readFileSync } from 'node:fs';
import type { DiskCounts } from '../src/countNgramsOnDisk.js';

/** Every file of an on-disk count, and what else it says (runs apart), for comparing two countings. */
export function diskCountContents(result: DiskCounts): unknown {
  return {
    files: result.files.map((f) => readFileSync(f).toString('base64')),
    words: result.wordIndex.words(),
    distinct: result.distinct,
    sentences: result.sentences,
    tokens: result.tokens,
  };
}
