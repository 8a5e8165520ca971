import { FormatError, validators, type NlpkitErrorOptions } from '@nlpkit/core';

/**
 * Errors of `@nlpkit/metrics`. Everything this package throws is an `NlpkitError` from `@nlpkit/core`
 * (`InvalidArgumentError`, `UnknownNameError`, `LengthMismatchError`, `EmptyInputError`), or the one class
 * below; every message names the package, the argument, what was expected and what was found, so a failure deep
 * inside an evaluation script still says which call went wrong.
 */

/** The package name every error of `@nlpkit/metrics` starts with. */
export const PKG = '@nlpkit/metrics';

/** Argument checks reporting as `@nlpkit/metrics`. */
export const check = validators(PKG);

/**
 * A tag that is not a tag at all (not a non-empty string), whose prefix is unknown, that the chosen tagging
 * scheme forbids in strict entity mode, or a set of tags no scheme can be detected from (code `ERR_INVALID_TAG`).
 * It is a `FormatError`: the tags are data that do not follow their format.
 */
export class InvalidTagError extends FormatError {
  constructor(options: Omit<NlpkitErrorOptions, 'package'>) {
    super({ ...options, package: PKG }, 'ERR_INVALID_TAG');
  }
}
