// Only natural's stemmer modules are imported, by their file paths: natural's index would also load its
// classifiers, database-backed stores (mongoose, pg, redis) and read a .env file, and it prints on import.
import naturalPorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import lancasterStemmer from 'natural/lib/natural/stemmers/lancaster_stemmer.js';
import deStemmer from 'natural/lib/natural/stemmers/porter_stemmer_de.js';
import esStemmer from 'natural/lib/natural/stemmers/porter_stemmer_es.js';
import faStemmer from 'natural/lib/natural/stemmers/porter_stemmer_fa.js';
import frStemmer from 'natural/lib/natural/stemmers/porter_stemmer_fr.js';
import itStemmer from 'natural/lib/natural/stemmers/porter_stemmer_it.js';
import nlStemmer from 'natural/lib/natural/stemmers/porter_stemmer_nl.js';
import noStemmer from 'natural/lib/natural/stemmers/porter_stemmer_no.js';
import ptStemmer from 'natural/lib/natural/stemmers/porter_stemmer_pt.js';
import ruStemmer from 'natural/lib/natural/stemmers/porter_stemmer_ru.js';
import svStemmer from 'natural/lib/natural/stemmers/porter_stemmer_sv.js';
import ukStemmer from 'natural/lib/natural/stemmers/porter_stemmer_uk.js';
import carryStemmer from 'natural/lib/natural/stemmers/Carry/index.js';
import idStemmer from 'natural/lib/natural/stemmers/indonesian/stemmer_id.js';
import { expectWord } from './errors.js';

/** A stemmer: one word in, its stem out. */
export type Stem = (word: string) => string;

/** Wraps one of natural's stemmer objects as a checked {@link Stem} function. */
export function wrap(stemmer: { stem(token: string): string }): Stem {
  return (word: string) => {
    expectWord(word);
    return stemmer.stem(word);
  };
}

/**
 * natural's own Porter stemmer. It differs from the original algorithm on 39 of the 30,428 words of Porter's
 * published vocabulary; prefer {@link porterStem} unless you need natural's exact output.
 */
export const naturalPorterStem: Stem = wrap(naturalPorterStemmer);

/** The Lancaster (Paice/Husk) stemmer from natural: more aggressive than Porter (`maximum` → `maxim`). */
export const lancasterStem: Stem = wrap(lancasterStemmer);

/** natural's Carry stemmer for French (an alternative to its Porter/Snowball French stemmer). */
export const carryStem: Stem = wrap(carryStemmer);

/**
 * natural's stemmers for languages other than English, by ISO 639-1 code: Snowball/Porter-style stemmers for
 * German, Spanish, Persian, French, Italian, Dutch, Norwegian, Portuguese, Russian, Swedish and Ukrainian, plus
 * natural's Indonesian stemmer. They expect lowercase input. (The Japanese stemmer is `japaneseStem` from
 * `@nlpkit/stem/node`: natural's Japanese segmenter needs Node's `util`, so it cannot be bundled for browsers.)
 */
export const naturalLanguageStemmers = {
  de: wrap(deStemmer),
  es: wrap(esStemmer),
  fa: wrap(faStemmer),
  fr: wrap(frStemmer),
  it: wrap(itStemmer),
  nl: wrap(nlStemmer),
  no: wrap(noStemmer),
  pt: wrap(ptStemmer),
  ru: wrap(ruStemmer),
  sv: wrap(svStemmer),
  uk: wrap(ukStemmer),
  id: wrap(idStemmer),
} as const satisfies Record<string, Stem>;
