/**
 * Errors thrown by `@nlpkit/rnn`. Every message names the package, the argument, what was expected and what
 * was found, so a caller can fix the call without reading the source.
 */

/** A tensor argument has the wrong rank or a dimension that does not match another argument. */
export class RnnShapeError extends RangeError {
  override readonly name = 'RnnShapeError';
}

/** A tensor argument has the wrong dtype (for example float token ids). */
export class RnnDtypeError extends TypeError {
  override readonly name = 'RnnDtypeError';
}

/** An options object holds an unknown key or a value outside its domain. */
export class RnnOptionError extends TypeError {
  override readonly name = 'RnnOptionError';
}

/** A sequence length is not an integer from 0 to the time axis. */
export class RnnLengthError extends RangeError {
  override readonly name = 'RnnLengthError';
}

/** A checkpoint's bytes cannot be decoded or do not match the model they are loaded into. */
export class RnnCheckpointError extends Error {
  override readonly name = 'RnnCheckpointError';
}

/** Prefix for every message, so errors from deep inside a model still say where they came from. */
export const PKG = '@nlpkit/rnn';
