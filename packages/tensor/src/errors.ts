import { FormatError, UnsupportedError } from '@nlpkit/core';

/** The package name every `@nlpkit/tensor` error starts its message with. */
export const PKG = '@nlpkit/tensor';

/** One backend candidate that `initBackend` tried, and why it was or was not taken. */
export interface BackendAttempt {
  readonly name: string;
  readonly ok: boolean;
  readonly reason: string;
}

/**
 * No requested tensor backend could be started (code `ERR_BACKEND_UNAVAILABLE`); `tried` says why each
 * candidate failed.
 */
export class BackendUnavailableError extends UnsupportedError {
  /** Every candidate tried, in order, with the reason it was (not) taken. */
  readonly tried: readonly BackendAttempt[];

  constructor(message: string, tried: readonly BackendAttempt[]) {
    super({ package: PKG, message }, 'ERR_BACKEND_UNAVAILABLE');
    this.tried = tried;
  }
}

/** A reading limit of the safetensors reader: `'maxHeaderBytes'` (an option) or `'maxDepth'` (the format's own). */
export type SafetensorsLimit = 'maxHeaderBytes' | 'maxDepth';

/**
 * Malformed or unsupported safetensors bytes, or a state dict that cannot be written. `message` is the text after
 * the package prefix. Codes: `ERR_SAFETENSORS` (malformed), `ERR_SAFETENSORS_HEADER_TOO_LARGE` (the header is
 * longer than `maxHeaderBytes`), `ERR_SAFETENSORS_TOO_DEEP` (the header nests deeper than the format allows);
 * for the last two `limit` names the limit and `max` its value.
 */
export class SafetensorsError extends FormatError {
  /** The reading limit the input exceeded, when that was the problem. */
  readonly limit: SafetensorsLimit | undefined;
  /** The value of that limit. */
  readonly max: number | undefined;

  constructor(message: string, code = 'ERR_SAFETENSORS', limit?: { readonly name: SafetensorsLimit; readonly max: number }) {
    super({ package: PKG, message }, code);
    this.limit = limit?.name;
    this.max = limit?.max;
  }
}
