import { FormatError, InvalidArgumentError, ShapeError, type NlpkitErrorOptions } from '@nlpkit/core';

/** The package name every `@nlpkit/rnn` error starts its message with. */
export const PKG = '@nlpkit/rnn';

/**
 * What the rnn error classes take: the argument, what was expected and what was found (the message then reads
 * `@nlpkit/rnn: <argument> must be <expected>, got <found>`), or a whole message after the package prefix.
 */
export type RnnErrorDetails = Omit<NlpkitErrorOptions, 'package'> | string;

const options = (details: RnnErrorDetails): NlpkitErrorOptions =>
  typeof details === 'string' ? { package: PKG, message: details } : { ...details, package: PKG };

/** A tensor argument has the wrong rank or a dimension that does not match another argument (`ERR_RNN_SHAPE`). */
export class RnnShapeError extends ShapeError {
  constructor(details: RnnErrorDetails) {
    super(options(details), 'ERR_RNN_SHAPE');
  }
}

/** A tensor argument has the wrong dtype, for example float token ids (`ERR_RNN_DTYPE`). */
export class RnnDtypeError extends ShapeError {
  constructor(details: RnnErrorDetails) {
    super(options(details), 'ERR_RNN_DTYPE');
  }
}

/** An options object holds an unknown key or a value outside its domain (`ERR_RNN_OPTION`). */
export class RnnOptionError extends InvalidArgumentError {
  constructor(details: RnnErrorDetails) {
    super(options(details), 'ERR_RNN_OPTION');
  }
}

/** A sequence length is not an integer from 0 to the time axis (`ERR_RNN_LENGTH`). */
export class RnnLengthError extends InvalidArgumentError {
  constructor(details: RnnErrorDetails) {
    super(options(details), 'ERR_RNN_LENGTH');
  }
}

/**
 * Bytes that are not a recurrent LM artifact, or one whose metadata (format, config JSON, vocabulary) cannot be
 * read (`ERR_RNN_MODEL_FORMAT`). Weights that do not match the config are an {@link RnnShapeError}.
 */
export class RnnModelFormatError extends FormatError {
  constructor(details: RnnErrorDetails) {
    super(options(details), 'ERR_RNN_MODEL_FORMAT');
  }
}
