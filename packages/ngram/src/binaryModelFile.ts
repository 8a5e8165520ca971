import { writeFileAtomic } from '@nlpkit/core/node';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { type BinaryModelOptions, toBinaryModel } from './binaryModel.js';
import { PKG, check } from './errors.js';

/** Options of {@link writeBinaryModelFile}. */
export interface BinaryModelFileOptions extends BinaryModelOptions {
  /** Cancels the write: the previous file stays as it was and no temporary file is left. */
  readonly signal?: AbortSignal;
}

/**
 * Writes {@link toBinaryModel}'s bytes to `path` atomically (Node only: `@nlpkit/ngram/node`): after any failure
 * the previous file is intact and no temporary file is left. Load it with `loadBinaryModel(readFileSync(path))`.
 * @throws OutputError (from `@nlpkit/core`, code `ERR_OUTPUT`) naming the path.
 */
export async function writeBinaryModelFile(model: BackoffLanguageModel, path: string, options: BinaryModelFileOptions = {}): Promise<void> {
  check.options(options, 'options', ['quantize', 'signal']);
  const bytes = toBinaryModel(model, options.quantize === undefined ? {} : { quantize: options.quantize });
  await writeFileAtomic(path, bytes, { package: PKG, ...(options.signal ? { signal: options.signal } : {}) });
}
