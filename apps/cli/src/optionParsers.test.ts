import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { integerOption, positiveOption } from './optionParsers.js';

describe('option parsers', () => {
  it('integerOption takes integers ≥ min and names the flag otherwise', () => {
    const parse = integerOption('--count', 1);
    expect(parse('3')).toBe(3);
    for (const bad of ['0', '1.5', '', ' ', 'x']) expect(() => parse(bad)).toThrow(InvalidArgumentError);
    expect(() => parse('0')).toThrow('--count must be an integer ≥ 1, got "0"');
  });

  it('positiveOption takes numbers in (0, max]', () => {
    const parse = positiveOption('--top-p', 1);
    expect(parse('0.5')).toBe(0.5);
    expect(parse('1')).toBe(1);
    for (const bad of ['0', '1.5', '', 'x']) expect(() => parse(bad)).toThrow(InvalidArgumentError);
    expect(() => positiveOption('--temperature')('-1')).toThrow('--temperature must be a number in (0, Infinity], got "-1"');
  });
});
