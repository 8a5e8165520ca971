import type { TagScheme } from '@nlpkit/core';
import { InvalidTagError } from './errors.js';
import { KNOWN_PREFIXES, parseTag } from './strictEntities.js';

const AUTO_SCHEMES: readonly (readonly [TagScheme, readonly string[]])[] = [
  ['IOB2', ['IOB', 'IB', 'BO', 'B']],
  ['IOE2', ['IOE', 'IE', 'EO', 'E']],
  ['IOBES', ['IOBES', 'IBES', 'IOBE', 'OBES', 'IBE', 'BES', 'OBE', 'BE', 'S']],
  ['BILOU', ['IOBLU', 'IBLU', 'IOBL', 'OBLU', 'IBL', 'BLU', 'OBL', 'BL', 'U']],
];

/**
 * seqeval's `auto_detect`: picks IOB2, IOE2, IOBES or BILOU from the set of prefixes used in the gold tags.
 * Throws an {@link InvalidTagError} when the prefixes fit none of them.
 */
export function detectScheme(sequences: Iterable<readonly string[]>, argument = 'gold'): TagScheme {
  const used = new Set<string>();
  let s = 0;
  for (const tags of sequences) {
    Array.from(tags, (tag, i) => used.add(parseTag(tag, `${argument}[${s}][${i}]`).prefix));
    s++;
  }
  const key = [...used].sort((a, b) => KNOWN_PREFIXES.indexOf(a) - KNOWN_PREFIXES.indexOf(b)).join('');
  for (const [scheme, sets] of AUTO_SCHEMES) {
    if (sets.some((set) => [...set].sort((a, b) => KNOWN_PREFIXES.indexOf(a) - KNOWN_PREFIXES.indexOf(b)).join('') === key)) {
      return scheme;
    }
  }
  throw new InvalidTagError({
    argument,
    expected: 'tags whose prefixes fit IOB2, IOE2, IOBES or BILOU, so that the scheme can be detected (or pass a scheme)',
    foundText: `prefixes ${[...key].join(', ') || 'none'}`,
  });
}
