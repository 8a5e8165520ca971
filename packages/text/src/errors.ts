/**
 * Errors thrown by `@nlpkit/text`. Every message names the package, the argument, what was expected and what
 * was found, so a failure deep inside a pipeline still says which call went wrong.
 */

/** Describes a value for an error message without dumping large inputs. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'undefined') return 'undefined';
  if (typeof value === 'function') return 'a function';
  return `an ${typeof value}`;
}

/** A string argument holds a lone UTF-16 surrogate, so it is not well-formed Unicode and offsets would split it. */
export class MalformedTextError extends TypeError {
  /** UTF-16 index of the first lone surrogate. */
  readonly index: number;

  constructor(argument: string, index: number, code: number) {
    super(
      `@nlpkit/text: ${argument} must be well-formed Unicode, got a lone surrogate U+${code
        .toString(16)
        .toUpperCase()
        .padStart(4, '0')} at index ${index}`,
    );
    this.name = 'MalformedTextError';
    this.index = index;
  }
}

/** A name (tagging scheme, language, model type) that this package does not know. */
export class UnknownNameError extends RangeError {
  constructor(argument: string, expected: readonly string[], found: unknown) {
    super(`@nlpkit/text: ${argument} must be one of ${expected.join(', ')}, got ${describe(found)}`);
    this.name = 'UnknownNameError';
  }
}

/** Input data (a reader's line, a saved vocabulary, a tokenizer.json) does not follow its format. */
export class FormatError extends SyntaxError {
  constructor(message: string) {
    super(`@nlpkit/text: ${message}`);
    this.name = 'FormatError';
  }
}
