import { FormatError, InvalidArgumentError, NlpkitError } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import * as main from './index.js';
import { LineTooLongError, MalformedTextError, checkText } from './errors.js';
import * as node from './node.js';

describe('errors of @nlpkit/text', () => {
  it('exports only error classes that are NlpkitErrors with a code', () => {
    const exported: unknown[] = Object.values({ ...main, ...node });
    const classes = exported.filter((v) => typeof v === 'function' && v.prototype instanceof Error);
    expect(classes).toEqual([LineTooLongError, MalformedTextError]);
    const tooLong = new LineTooLongError({ line: 7, limit: 100 });
    expect(tooLong).toBeInstanceOf(FormatError);
    expect(tooLong).toMatchObject({ code: 'ERR_LINE_TOO_LONG', package: '@nlpkit/text', line: 7, limit: 100 });
    const error = new MalformedTextError({ argument: 'text', index: 3, codeUnit: 0xd800 });
    expect(error).toBeInstanceOf(NlpkitError);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'ERR_MALFORMED_TEXT', package: '@nlpkit/text', argument: 'text', index: 3 });
  });

  it('locates the first lone surrogate', () => {
    expect(checkText('ok 👋', 'text')).toBe('ok 👋');
    expect(() => checkText('a👋\udc00', 'text')).toThrow(expect.objectContaining({ index: 3, code: 'ERR_MALFORMED_TEXT' }));
    expect(() => checkText('\ud800x', 'input')).toThrowErrorMatchingInlineSnapshot(
      `[MalformedTextError: @nlpkit/text: input must be well-formed Unicode, got a lone surrogate U+D800 at index 0]`,
    );
  });
});
