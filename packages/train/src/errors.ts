import { FormatError, validators } from '@nlpkit/core';

/** The package name every `@nlpkit/train` error starts its message with. */
export const PKG = '@nlpkit/train';

/** Argument checks that throw core's errors naming this package. */
export const check = validators(PKG);

/**
 * A checkpoint's bytes cannot be decoded, or an optimizer state does not fit the optimizer it is loaded into
 * (code `ERR_CHECKPOINT`). `message` is the text after the package prefix.
 */
export class CheckpointError extends FormatError {
  constructor(options: { readonly argument?: string; readonly expected: string; readonly found?: unknown; readonly foundText?: string }) {
    super({ package: PKG, ...options }, 'ERR_CHECKPOINT');
  }
}
