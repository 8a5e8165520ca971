import { naturalStemmer } from './naturalLoader.js';
import type { Stem } from './porterStem.js';

// Each stemmer loads its own file of natural on its first call, by path: natural's index would also load its
// classifiers and database-backed stores (mongoose, pg, redis), read a .env file and print on import.

/**
 * natural's own Porter stemmer. It differs from the original algorithm on 39 of the 30,428 words of Porter's
 * published vocabulary; prefer `porterStem` from `@nlpkit/stem` unless you need natural's exact output.
 */
export const naturalPorterStem: Stem = naturalStemmer('stemmers/porter_stemmer.js');

/** The Lancaster (Paice/Husk) stemmer from natural: more aggressive than Porter (`maximum` → `maxim`). */
export const lancasterStem: Stem = naturalStemmer('stemmers/lancaster_stemmer.js');

/** natural's Carry stemmer for French (an alternative to its Porter/Snowball French stemmer). */
export const carryStem: Stem = naturalStemmer('stemmers/Carry/index.js');

/**
 * natural's stemmers for languages other than English, by ISO 639-1 code: Snowball/Porter-style stemmers for
 * German, Spanish, Persian, French, Italian, Dutch, Norwegian, Portuguese, Russian, Swedish and Ukrainian, plus
 * natural's Indonesian stemmer. They expect lowercase input. (The Japanese stemmer is `japaneseStem` from
 * `@nlpkit/stem/node`: natural's Japanese segmenter needs Node's `util`.)
 */
export const naturalLanguageStemmers = Object.freeze({
  de: naturalStemmer('stemmers/porter_stemmer_de.js'),
  es: naturalStemmer('stemmers/porter_stemmer_es.js'),
  fa: naturalStemmer('stemmers/porter_stemmer_fa.js'),
  fr: naturalStemmer('stemmers/porter_stemmer_fr.js'),
  it: naturalStemmer('stemmers/porter_stemmer_it.js'),
  nl: naturalStemmer('stemmers/porter_stemmer_nl.js'),
  no: naturalStemmer('stemmers/porter_stemmer_no.js'),
  pt: naturalStemmer('stemmers/porter_stemmer_pt.js'),
  ru: naturalStemmer('stemmers/porter_stemmer_ru.js'),
  sv: naturalStemmer('stemmers/porter_stemmer_sv.js'),
  uk: naturalStemmer('stemmers/porter_stemmer_uk.js'),
  id: naturalStemmer('stemmers/indonesian/stemmer_id.js'),
} as const satisfies Record<string, Stem>);
