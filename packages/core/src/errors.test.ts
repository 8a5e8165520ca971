import { describe, expect, it } from 'vitest';
import {
  EmptyInputError,
  FormatError,
  InvalidArgumentError,
  LengthMismatchError,
  NlpkitError,
  ShapeError,
  UnknownNameError,
  UnsupportedError,
  describeValue,
  validators,
} from './index.js';

describe('NlpkitError family', () => {
  it('composes "<package>: <argument> must be <expected>, got <found>" and keeps the parts', () => {
    const e = new InvalidArgumentError({ package: '@nlpkit/x', argument: 'order', expected: 'an integer from 1 to 10', found: 0 });
    expect(e.message).toBe('@nlpkit/x: order must be an integer from 1 to 10, got 0');
    expect(e).toBeInstanceOf(NlpkitError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('InvalidArgumentError');
    expect(e.code).toBe('ERR_INVALID_ARGUMENT');
    expect([e.package, e.argument, e.expected, e.found]).toEqual(['@nlpkit/x', 'order', 'an integer from 1 to 10', '0']);
  });

  it('gives each class a stable code and subclasses keep their own name', () => {
    class ArpaError extends FormatError {
      constructor(line: number) {
        super({ package: '@nlpkit/y', message: `line ${line}: bad`, line }, 'ERR_ARPA');
      }
    }
    const cases: [NlpkitError, string][] = [
      [new UnknownNameError({ package: 'p', argument: 'scheme', allowed: ['A', 'B'], found: 'C' }), 'ERR_UNKNOWN_NAME'],
      [new LengthMismatchError({ package: 'p', argument: 'refs', expectedLength: 3, foundLength: 2 }), 'ERR_LENGTH_MISMATCH'],
      [new EmptyInputError({ package: 'p', argument: 'sentences' }), 'ERR_EMPTY_INPUT'],
      [new FormatError({ package: 'p', argument: 'json', expected: 'JSON' }), 'ERR_FORMAT'],
      [new ShapeError({ package: 'p', argument: 'x', expected: 'rank 2', foundText: 'rank 3' }), 'ERR_SHAPE'],
      [new UnsupportedError({ package: 'p', message: 'no backend' }), 'ERR_UNSUPPORTED'],
      [new ArpaError(7), 'ERR_ARPA'],
    ];
    for (const [error, code] of cases) {
      expect(error.code).toBe(code);
      expect(error).toBeInstanceOf(NlpkitError);
    }
    const arpa = cases[6]![0] as ArpaError;
    expect(arpa.name).toBe('ArpaError');
    expect(arpa.line).toBe(7);
    expect(arpa.message).toBe('@nlpkit/y: line 7: bad');
    expect(cases[0]![0].message).toBe('p: scheme must be one of A, B, got "C"');
    expect((cases[0]![0] as UnknownNameError).allowed).toEqual(['A', 'B']);
    expect(cases[1]![0].message).toBe('p: refs must be 3 items, got 2');
    expect(cases[2]![0].message).toBe('p: sentences must hold at least one item, got nothing');
    expect(new EmptyInputError({ package: 'p', argument: 'refs', expected: 'one reference stream' }).message).toBe(
      'p: refs must hold one reference stream, got nothing',
    );
  });

  it('keeps the cause', () => {
    const cause = new Error('ENOENT');
    expect(new FormatError({ package: 'p', message: 'x', cause }).cause).toBe(cause);
  });
});

describe('describeValue', () => {
  it('describes values briefly with the right article', () => {
    expect(describeValue({})).toBe('an object');
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue(new Int32Array(2))).toBe('an Int32Array');
    expect(describeValue([1, 2])).toBe('an array of length 2');
    expect(describeValue('x'.repeat(50))).toBe(JSON.stringify(`${'x'.repeat(40)}…`));
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(NaN)).toBe('NaN');
    expect(describeValue(3n)).toBe('3n');
    expect(describeValue(Object.create(null))).toBe('an object');
  });
});

describe('validators', () => {
  const check = validators('@nlpkit/t');
  it('checks value first, then the argument name', () => {
    expect(check.integer(3, 'n', 1, 5)).toBe(3);
    expect(() => check.integer(0, 'n', 1, 5)).toThrow('@nlpkit/t: n must be an integer from 1 to 5, got 0');
    expect(() => check.integer(2.5, 'n', 1)).toThrow('@nlpkit/t: n must be an integer ≥ 1, got 2.5');
    expect(() => check.number(Infinity, 'x')).toThrow('x must be a finite number, got Infinity');
    expect(() => check.string(1, 's')).toThrow(InvalidArgumentError);
    expect(() => check.array('a', 'xs')).toThrow('xs must be an array, got "a"');
    expect(() => check.oneOf('c', 'mode', ['a', 'b'])).toThrow(UnknownNameError);
    expect(check.oneOf('a', 'mode', ['a', 'b'])).toBe('a');
    expect(check.boolean(true, 'b')).toBe(true);
  });
  it('rejects misspelt options by name', () => {
    expect(check.options({ order: 1 }, 'options', ['order'])).toEqual({ order: 1 });
    expect(check.options(undefined, 'options', [])).toEqual({});
    expect(() => check.options({ ordr: 1 } as { order?: number }, 'options', ['order'])).toThrow(
      '@nlpkit/t: options.ordr must be absent (known options: order), got an unknown option',
    );
    expect(() => check.options([] as unknown as object, 'options', [])).toThrow('options must be an object');
  });
});
