/**
 * Describes a value for an error message without dumping large inputs: primitives by value (long strings cut at
 * 40 characters), arrays by length, everything else by kind with the right article (`an object`, `a function`,
 * `a Map`).
 *
 * @example
 * describeValue(0)          // '0'
 * describeValue('x'.repeat(99)) // '"xxxx…"' (40 characters, then an ellipsis)
 * describeValue([1, 2])     // 'an array of length 2'
 * describeValue({})         // 'an object'
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name === 'string' && name !== '' && name !== 'Object') {
    return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
  }
  return 'an object';
}
