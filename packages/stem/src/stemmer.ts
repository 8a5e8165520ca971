import { check } from './errors.js';
import { carryStem, lancasterStem, naturalLanguageStemmers, naturalPorterStem } from './naturalStemmers.js';
import { porterStem, type Stem } from './porterStem.js';

/** Names accepted by {@link stemmer}: a language code (English is the original Porter) or an algorithm. */
export type StemmerName =
  | 'en'
  | keyof typeof naturalLanguageStemmers
  | 'porter'
  | 'natural-porter'
  | 'lancaster'
  | 'carry';

/** Every name {@link stemmer} accepts. */
export const STEMMER_NAMES: readonly StemmerName[] = Object.freeze([
  'en', 'de', 'es', 'fa', 'fr', 'it', 'nl', 'no', 'pt', 'ru', 'sv', 'uk', 'id',
  'porter', 'natural-porter', 'lancaster', 'carry',
] as const);

/**
 * Looks up a stemmer by language code or algorithm name. `'en'` and `'porter'` are this package's own Porter
 * stemmer and work without natural; every other name is one of natural's stemmers, loaded on its first call.
 *
 * @param name `'en'` or `'porter'` (the original Porter algorithm, {@link porterStem}), `'natural-porter'`,
 *   `'lancaster'`, `'carry'` (French), or a language code from {@link STEMMER_NAMES}
 * @throws UnknownNameError (from `@nlpkit/core`, code `ERR_UNKNOWN_NAME`) for any other name
 * @example
 * const stemFr = stemmer('fr');
 * stemFr('continuellement') // → 'continuel'
 */
export function stemmer(name: StemmerName): Stem {
  const known = check.oneOf(name, 'name', STEMMER_NAMES);
  switch (known) {
    case 'en':
    case 'porter':
      return porterStem;
    case 'natural-porter':
      return naturalPorterStem;
    case 'lancaster':
      return lancasterStem;
    case 'carry':
      return carryStem;
    default:
      return naturalLanguageStemmers[known];
  }
}

/**
 * Stems one word: `stem('running')` → `'run'`, `stem('Häuser', 'de')` → `'haus'`.
 *
 * @param word the word (lowercase it first for the non-English stemmers)
 * @param name language code or algorithm, default `'en'` (original Porter)
 */
export function stem(word: string, name: StemmerName = 'en'): string {
  return stemmer(name)(word);
}
