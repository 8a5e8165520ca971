import { UnknownLanguageError } from './errors.js';
import { carryStem, lancasterStem, naturalLanguageStemmers, naturalPorterStem, type Stem } from './naturalStemmers.js';
import { porterStem } from './porterStem.js';

/** Names accepted by {@link stemmer}: a language code (English is the original Porter) or an algorithm. */
export type StemmerName =
  | 'en'
  | keyof typeof naturalLanguageStemmers
  | 'porter'
  | 'natural-porter'
  | 'lancaster'
  | 'carry';

/** Every name {@link stemmer} accepts. */
export const STEMMER_NAMES: readonly StemmerName[] = [
  'en', 'de', 'es', 'fa', 'fr', 'it', 'nl', 'no', 'pt', 'ru', 'sv', 'uk', 'id',
  'porter', 'natural-porter', 'lancaster', 'carry',
];

/**
 * Looks up a stemmer by language code or algorithm name.
 *
 * @param name `'en'` or `'porter'` (the original Porter algorithm, {@link porterStem}), `'natural-porter'`,
 *   `'lancaster'`, `'carry'` (French), or a language code from {@link STEMMER_NAMES}
 * @throws {@link UnknownLanguageError} for any other name
 * @example
 * const stemFr = stemmer('fr');
 * stemFr('continuellement') // → 'continuel'
 */
export function stemmer(name: StemmerName): Stem {
  switch (name) {
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
      if (typeof name === 'string' && Object.hasOwn(naturalLanguageStemmers, name)) {
        return naturalLanguageStemmers[name];
      }
      throw new UnknownLanguageError('name', STEMMER_NAMES, name);
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
