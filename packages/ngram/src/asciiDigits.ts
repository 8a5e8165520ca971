/** "00" to "99" as ASCII: the two digits of i at 2i and 2i + 1 (digits are written two at a time). */
export const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

/**
 * Writes the decimal digits of the integer `n` (0 ≤ n < 2^31: an id, a count, a length) as ASCII at `out[at..]` and
 * returns where they end: its width found by comparisons, then {@link writeDigitsBefore} (no float division, no
 * string).
 */
export function writeDigits(n: number, out: Uint8Array, at: number): number {
  if (n < 10) {
    out[at] = 48 + n;
    return at + 1;
  }
  const width = n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
  writeDigitsBefore(n, out, at + width);
  return at + width;
}

/**
 * Writes the decimal digits of the integer `n` (0 ≤ n < 2^31) as ASCII so that they end just before `out[end]`, right
 * to left, two at a time with int32 arithmetic; returns where they start.
 */
export function writeDigitsBefore(n: number, out: Uint8Array, end: number): number {
  let pos = end;
  let m = n | 0;
  while (m >= 100) {
    const q = (m / 100) | 0;
    const pair = (m - q * 100) << 1;
    out[--pos] = DIGIT_PAIRS[pair + 1]!;
    out[--pos] = DIGIT_PAIRS[pair]!;
    m = q;
  }
  if (m >= 10) {
    out[--pos] = DIGIT_PAIRS[(m << 1) + 1]!;
    out[--pos] = DIGIT_PAIRS[m << 1]!;
  } else out[--pos] = 48 + m;
  return pos;
}
