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

/**
 * Malformed or unsupported safetensors bytes, or a state dict that cannot be written (code `ERR_SAFETENSORS`).
 * `message` is the text after the package prefix.
 */
export class SafetensorsError extends FormatError {
  constructor(message: string) {
    super({ package: PKG, message }, 'ERR_SAFETENSORS');
  }
}
