export { porterStem } from './porterStem.js';
export { naturalPorterStem, lancasterStem, carryStem, naturalLanguageStemmers, type Stem } from './naturalStemmers.js';
export { stemmer, stem, STEMMER_NAMES, type StemmerName } from './stemmer.js';
export { UnknownLanguageError } from './errors.js';
