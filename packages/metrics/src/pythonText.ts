/**
 * The few Python string semantics that sacreBLEU's numbers depend on. Python's `str.split()` and `str.rstrip()`
 * use a whitespace set that differs from JavaScript's `\s` (Python includes U+001C–U+001F and U+0085; JavaScript
 * includes U+FEFF), and Python indexes strings by code point where JavaScript uses UTF-16 units. Matching them
 * exactly is what makes the scores identical rather than merely close.
 */

/** Python's `str.isspace()` set, as a character class body. */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SPLIT_RE = new RegExp(`[${PY_SPACE}]+`);
const TRAILING_RE = new RegExp(`[${PY_SPACE}]+$`);
const EDGES_RE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
const ANY_SPACE_RE = new RegExp(`[${PY_SPACE}]`);
const SURROGATE_RE = /[\uD800-\uDFFF]/;

/** Python's `line.split()`: split on runs of whitespace, dropping empty pieces at either end. */
export function pySplit(line: string): string[] {
  if (line === '') return [];
  const parts = line.split(SPLIT_RE);
  // A leading or trailing whitespace run leaves one empty piece at that end, never more.
  if (parts.length > 0 && parts[0] === '') parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Python's `line.rstrip()`. */
export function pyRstrip(line: string): string {
  return line.replace(TRAILING_RE, '');
}

/** Python's `line.strip()`. */
export function pyStrip(line: string): string {
  return line.replace(EDGES_RE, '');
}

/** Python's `''.join(line.split())`: the line with all whitespace removed. */
export function pyRemoveWhitespace(line: string): string {
  return ANY_SPACE_RE.test(line) ? pySplit(line).join('') : line;
}

/** True when the string has no surrogate pairs, so UTF-16 indexes are code point indexes. */
export function isSingleUnit(text: string): boolean {
  return !SURROGATE_RE.test(text);
}

/** The string as an array of code points (Python's view of a string), fast when it is all BMP. */
export function codePoints(text: string): string[] {
  return isSingleUnit(text) ? text.split('') : Array.from(text);
}

/**
 * Python's `f"{x:.{digits}f}"`. Python rounds the exact binary value half-to-even; `Number#toFixed` rounds exact
 * ties up, so the two differ only when the double is exactly halfway (for example 0.125 → "0.12" in Python).
 */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
  const plain = x.toFixed(digits);
  if (Math.abs(x) >= 1e21) return plain;
  // The exact decimal expansion of a double with |x| < 1e21 fits in toFixed's 100 digits for the magnitudes
  // metrics produce; a tie shows as a 5 followed by zeros only.
  const exact = x.toFixed(Math.min(100, digits + 60));
  const dot = exact.indexOf('.');
  const tail = exact.slice(dot + 1 + digits);
  if (!/^50*$/.test(tail)) return plain;
  const down = exact.slice(0, dot + 1 + digits).replace(/\.$/, '');
  const lastDigit = Number(down.replace('.', '').slice(-1));
  return lastDigit % 2 === 0 ? down : plain;
}
