import { readFile } from 'node:fs/promises';
import { inputFileError, writeFileAtomic } from '@nlpkit/core/node';
import { PKG } from '../errors.js';
import type { RecurrentLanguageModelOptions } from '../models/recurrentLanguageModel.js';
import { decodeRecurrentLm, encodeRecurrentLm, type EncodeRecurrentLmOptions, type RecurrentLmArtifact } from '../models/recurrentLmArtifact.js';

/**
 * Writes a recurrent LM artifact (`encodeRecurrentLm`) atomically: a temporary file beside `path`, fsynced, then
 * renamed over it, so a crash never leaves a truncated model. Failures are `OutputError`s.
 */
export async function writeRecurrentLmFile(
  path: string,
  model: RecurrentLanguageModelOptions,
  options: EncodeRecurrentLmOptions & { readonly signal?: AbortSignal } = {},
): Promise<void> {
  const { signal, ...encode } = options;
  const bytes = encodeRecurrentLm(model, encode);
  await writeFileAtomic(path, bytes, { package: PKG, ...(signal !== undefined ? { signal } : {}) });
}

/** Reads and decodes an artifact file (`decodeRecurrentLm`); a missing or unreadable file is an `InvalidArgumentError` (`ERR_FILE_NOT_FOUND`, `ERR_FILE_UNREADABLE`). */
export async function readRecurrentLmFile(path: string): Promise<RecurrentLmArtifact> {
  let bytes: Uint8Array;
  try {
    const read = await readFile(path);
    bytes = new Uint8Array(read.buffer, read.byteOffset, read.byteLength); // a plain view of what Node read: no copy
  } catch (error) {
    throw inputFileError(path, error, { package: PKG, argument: 'path' });
  }
  return decodeRecurrentLm(bytes);
}
