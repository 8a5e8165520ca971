import { InvalidArgumentError } from 'commander';

/** A commander parser for an integer option ≥ `min` (`name` is the flag, as `--batch-size`, for the message). */
export function integerOption(name: string, min: number): (value: string) => number {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${value}"`);
    return n;
  };
}

/** A commander parser for a number option in (0, `max`]. */
export function positiveOption(name: string, max = Infinity): (value: string) => number {
  return (value: string): number => {
    const x = Number(value);
    if (value.trim() === '' || !(x > 0) || x > max) throw new InvalidArgumentError(`${name} must be a number in (0, ${max}], got "${value}"`);
    return x;
  };
}
