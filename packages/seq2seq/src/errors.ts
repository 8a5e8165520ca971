import { FormatError, InvalidArgumentError, ShapeError, validators, type NlpkitErrorOptions } from '@nlpkit/core';

/** The package name every `@nlpkit/seq2seq` error starts its message with. */
export const PKG = '@nlpkit/seq2seq';

/** Argument checks that throw core's errors naming this package. */
export const check = validators(PKG);

/** What the seq2seq error classes take: the argument, what was expected and what was found. */
export type Seq2seqErrorDetails = Omit<NlpkitErrorOptions, 'package'>;

/** An option or config field outside its domain, or an unknown key (`ERR_SEQ2SEQ_OPTION`). */
export class Seq2seqOptionError extends InvalidArgumentError {
  constructor(details: Seq2seqErrorDetails) {
    super({ ...details, package: PKG }, 'ERR_SEQ2SEQ_OPTION');
  }
}

/** Token ids out of range, or weights that do not fit a config (`ERR_SEQ2SEQ_SHAPE`). */
export class Seq2seqShapeError extends ShapeError {
  constructor(details: Seq2seqErrorDetails) {
    super({ ...details, package: PKG }, 'ERR_SEQ2SEQ_SHAPE');
  }
}

/** Bytes that are not a seq2seq artifact, or unreadable metadata (`ERR_SEQ2SEQ_MODEL_FORMAT`). */
export class Seq2seqModelFormatError extends FormatError {
  constructor(details: Seq2seqErrorDetails) {
    super({ ...details, package: PKG }, 'ERR_SEQ2SEQ_MODEL_FORMAT');
  }
}

/** Throws {@link Seq2seqOptionError} when `value` holds a key outside `known`. */
export function checkKeys(value: unknown, argument: string, known: readonly string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Seq2seqOptionError({ argument, expected: 'an object', found: value });
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new Seq2seqOptionError({ argument: `${argument}.${key}`, expected: `absent (known keys: ${known.join(', ')})`, foundText: 'an unknown key' });
    }
  }
}
