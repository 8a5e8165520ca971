import { readFile } from 'node:fs/promises';
import { inputFileError, writeFileAtomic } from '@nlpkit/core/node';
import { type Checkpoint, encodeCheckpointAsync } from './checkpoint.js';
import { check, PKG } from './errors.js';

/** Options of {@link writeCheckpointFile}. */
export interface WriteCheckpointOptions {
  /** Cancels the write: the previous file stays as it was and no temporary file is left. */
  readonly signal?: AbortSignal;
}

const BLOCK = 1 << 20;

/** The bytes in blocks of 1 MiB, so a large checkpoint streams to disk and an abort is seen between blocks. */
function* blocks(bytes: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += BLOCK) yield bytes.subarray(at, Math.min(at + BLOCK, bytes.byteLength));
}

/**
 * Writes a checkpoint file atomically with `writeFileAtomic` from `@nlpkit/core/node`: a temporary file beside
 * `path`, fsynced, then renamed over it. After any failure — a full disk, an abort, SIGKILL — `path` still holds
 * the previous checkpoint, the temporary file is gone (or, after SIGKILL, removed by the next save), and the
 * error is an `OutputError` (code `ERR_OUTPUT`, `systemCode` such as `ENOSPC`).
 * @param checkpoint a {@link Checkpoint} (encoded with `encodeCheckpointAsync`) or bytes already encoded
 */
export async function writeCheckpointFile(path: string, checkpoint: Checkpoint | Uint8Array, options: WriteCheckpointOptions = {}): Promise<void> {
  check.options(options, 'options', ['signal']);
  const bytes = checkpoint instanceof Uint8Array ? checkpoint : await encodeCheckpointAsync(checkpoint);
  await writeFileAtomic(path, blocks(bytes), { package: PKG, signal: options.signal });
}

/** Reads a checkpoint file's bytes (pass them to `decodeCheckpoint`). */
export async function readCheckpointFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw inputFileError(path, error, { package: PKG, argument: 'path' });
  }
}
