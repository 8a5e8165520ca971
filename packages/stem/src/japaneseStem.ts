// Node-only: natural's Japanese stemmer goes through its TinySegmenter tokenizer, which requires Node's `util`,
// so it lives behind `@nlpkit/stem/node` and the main entry stays bundleable for browsers.
import jaStemmer from 'natural/lib/natural/stemmers/stemmer_ja.js';
import { type Stem, wrap } from './naturalStemmers.js';

/** natural's Japanese stemmer (strips long-vowel marks from katakana words, e.g. `コンピューター` → `コンピュータ`). */
export const japaneseStem: Stem = wrap(jaStemmer);
