import type { DecoderSession } from './decoderSession.js';
import { InvalidArgumentError } from '@nlpkit/core';
import { check, PKG } from '../errors.js';

/**
 * A length limit in target tokens (`</s>` not counted): a fixed number, or `ratio · |source| + offset` (rounded
 * down, at least 0) so that long sources may produce long translations.
 */
export type LengthLimit = number | { readonly ratio: number; readonly offset: number };

/** The default maximum length of every strategy: `2 · |source| + 10` tokens. */
export const DEFAULT_MAX_LENGTH: LengthLimit = { ratio: 2, offset: 10 };

/** Validates a {@link LengthLimit} option. */
export function checkLengthLimit(value: unknown, argument: string): LengthLimit {
  if (typeof value === 'number') return check.integer(value, argument, 0);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw check.invalid(value, argument, 'an integer ≥ 0 or { ratio, offset }');
  }
  const limit = check.options(value as { ratio: number; offset: number }, argument, ['ratio', 'offset']);
  check.number(limit.ratio, `${argument}.ratio`, 0);
  check.number(limit.offset, `${argument}.offset`);
  return limit;
}

function resolve(limit: LengthLimit, sourceLength: number): number {
  return typeof limit === 'number' ? limit : Math.max(0, Math.floor(limit.ratio * sourceLength + limit.offset));
}

/**
 * The minimum and maximum target lengths of every source of `session`; throws when a maximum falls below its
 * minimum (naming `options.maxLength`).
 */
export function resolveLengthLimits(
  session: Pick<DecoderSession<unknown>, 'sourceLengths'>,
  minLength: LengthLimit,
  maxLength: LengthLimit,
): { readonly min: Int32Array; readonly max: Int32Array } {
  const n = session.sourceLengths.length;
  const min = new Int32Array(n);
  const max = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const length = session.sourceLengths[i]!;
    min[i] = resolve(minLength, length);
    max[i] = resolve(maxLength, length);
    if (max[i]! < min[i]!) {
      throw new InvalidArgumentError({
        package: PKG,
        argument: 'options.maxLength',
        expected: `at least options.minLength (${min[i]} for source ${i}, of length ${length})`,
        foundText: String(max[i]),
      });
    }
  }
  return { min, max };
}
