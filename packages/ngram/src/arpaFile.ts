import { closeSync, openSync, writeSync } from 'node:fs';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { type ReadArpaOptions, readArpaLines } from './readArpa.js';
import { readLines } from './readSentences.js';
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

/** Reads an ARPA file, streaming its lines (Node only: `@nlpkit/ngram/node`). */
export function readArpaFile(path: string, options: ReadArpaOptions = {}): BackoffLanguageModel {
  return readArpaLines(readLines(path), options);
}
