import { readFile } from 'node:fs/promises';
import { inputFileError, writeFileAtomic } from '@nlpkit/core/node';
import { PKG } from '../errors.js';
import { decodeSeq2seq, encodeSeq2seq, type EncodeSeq2seqOptions, type Seq2seqArtifact } from '../model/seq2seqArtifact.js';
import type { Seq2seqTranslator } from '../model/seq2seqDecoderSession.js';

/**
 * Writes a seq2seq artifact (`encodeSeq2seq`) atomically: a temporary file beside `path`, fsynced, then renamed over
 * it, so a crash never leaves a truncated model. Failures are `OutputError`s.
 */
export async function writeSeq2seqFile(path: string, model: Seq2seqTranslator, options: EncodeSeq2seqOptions & { readonly signal?: AbortSignal } = {}): Promise<void> {
  const { signal, ...encode } = options;
  await writeFileAtomic(path, encodeSeq2seq(model, encode), { package: PKG, ...(signal !== undefined ? { signal } : {}) });
}

/** Reads and decodes an artifact file (`decodeSeq2seq`); a missing or unreadable file is an `InvalidArgumentError`. */
export async function readSeq2seqFile(path: string): Promise<Seq2seqArtifact> {
  let bytes: Uint8Array;
  try {
    const read = await readFile(path);
    bytes = new Uint8Array(read.buffer, read.byteOffset, read.byteLength); // a plain view of what Node read: no copy
  } catch (error) {
    throw inputFileError(path, error, { package: PKG, argument: 'path' });
  }
  return decodeSeq2seq(bytes);
}
