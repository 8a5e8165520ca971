import { describe, expect, it } from 'vitest';
import { DIGIT_PAIRS, writeDigits, writeDigitsBefore } from './asciiDigits.js';

const written = (n: number): string => {
  const out = new Uint8Array(16).fill(35); // '#': a byte written past the end shows
  const end = writeDigits(n, out, 3);
  return String.fromCharCode(...out.subarray(3, end)) + (out[end] === 35 ? '' : '<overrun>');
};

describe('writeDigits', () => {
  it("writes String(n)'s digits at every width, and nothing past them", () => {
    const values = [0, 1, 9, 2 ** 31 - 1];
    for (let p = 10; p <= 1e9; p *= 10) values.push(p - 1, p, p + 1, 2 * p - 1);
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      values.push(seed >>> (i % 31) >>> 1);
    }
    for (const n of values) expect(written(n), String(n)).toBe(String(n));
  });

  it('returns where the digits end', () => {
    const out = new Uint8Array(16);
    expect(writeDigits(0, out, 5)).toBe(6);
    expect(writeDigits(12345, out, 5)).toBe(10);
    expect(writeDigits(2 ** 31 - 1, out, 0)).toBe(10);
  });

  it('writeDigitsBefore writes them ending just before its position and returns where they start', () => {
    const out = new Uint8Array(16).fill(35);
    expect(writeDigitsBefore(40961, out, 12)).toBe(7);
    expect(String.fromCharCode(...out)).toBe('#######40961####');
    expect(writeDigitsBefore(0, out, 1)).toBe(0);
    expect(out[0]).toBe(48);
  });

  it('DIGIT_PAIRS holds "00" to "99"', () => {
    expect(String.fromCharCode(...DIGIT_PAIRS)).toBe(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''));
  });
});
