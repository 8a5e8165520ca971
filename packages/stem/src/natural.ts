export { naturalPorterStem, lancasterStem, carryStem, naturalLanguageStemmers } from './naturalStemmers.js';
export { stemmer, stem, STEMMER_NAMES, type StemmerName } from './stemmer.js';
