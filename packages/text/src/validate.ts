import { MalformedTextError, describe } from './errors.js';

/**
 * Throws unless `value` is a well-formed string. Lone surrogates are rejected because a token boundary could
 * otherwise fall inside a character and offsets would no longer describe real text.
 */
export function expectText(value: unknown, argument: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new TypeError(`@nlpkit/text: ${argument} must be a string, got ${describe(value)}`);
  }
  const wellFormed = (value as { isWellFormed?: () => boolean }).isWellFormed;
  // isWellFormed is native since Node 20 and current browsers; the scan below is the fallback and the locator.
  if (wellFormed !== undefined && wellFormed.call(value)) return;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      throw new MalformedTextError(argument, i, c);
    }
    if (c >= 0xdc00 && c <= 0xdfff) throw new MalformedTextError(argument, i, c);
  }
}

/** Throws unless `value` is an integer in `[min, max]`. */
export function expectInteger(value: unknown, argument: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new RangeError(`@nlpkit/text: ${argument} must be an integer ${range}, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless `value` is an array of strings. */
export function expectStringArray(value: unknown, argument: string): asserts value is readonly string[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`@nlpkit/text: ${argument} must be an array of strings, got ${describe(value)}`);
  }
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') {
      throw new TypeError(`@nlpkit/text: ${argument}[${i}] must be a string, got ${describe(value[i])}`);
    }
  }
}
