import type { Stem } from './porterStem.js';
import { naturalStemmer } from './naturalLoader.js';

/**
 * natural's Japanese stemmer (strips long-vowel marks from katakana words, e.g. `コンピューター` → `コンピュータ`).
 * Node only: natural's Japanese segmenter needs Node's `util`. natural is loaded on the first call; without it
 * installed that call throws an `UnsupportedError` with code `ERR_MISSING_PEER` (`npm i natural`).
 */
export const japaneseStem: Stem = naturalStemmer('stemmers/stemmer_ja.js');
