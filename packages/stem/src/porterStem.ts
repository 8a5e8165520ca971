import { check } from './errors.js';

/** A stemmer: one word in, its stem out. */
export type Stem = (word: string) => string;

// Written from the description of the algorithm in M. F. Porter, "An algorithm for suffix stripping", Program
// 14(3), 1980, in the region-based formulation (R1 = after the first consonant that follows a vowel, R2 = the
// same again inside R1; "m > 0" is "suffix in R1", "m > 1" is "suffix in R2").

function isVowel(c: string | undefined): boolean {
  // 'Y' (a y that acts as a consonant) is deliberately not a vowel.
  return c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || c === 'y';
}

function isVowelCode(c: number): boolean {
  // a e i o u y; 'Y' (0x59) is not a vowel.
  return c === 0x61 || c === 0x65 || c === 0x69 || c === 0x6f || c === 0x75 || c === 0x79;
}

/** The `*o` condition: the word ends consonant-vowel-consonant, the last consonant not w, x or Y. */
function endsShortSyllable(w: string): boolean {
  const n = w.length;
  if (n < 3) return false;
  const last = w[n - 1];
  return !isVowel(last) && last !== 'w' && last !== 'x' && last !== 'Y' && isVowel(w[n - 2]) && !isVowel(w[n - 3]);
}

function hasVowel(w: string): boolean {
  for (let i = 0; i < w.length; i++) if (isVowel(w[i])) return true;
  return false;
}

/** Start of the region after the first non-vowel that follows a vowel, searching from `from`. */
function regionStart(w: string, from: number): number {
  let i = from;
  while (i < w.length && !isVowel(w[i])) i++;
  while (i < w.length && isVowel(w[i])) i++;
  return Math.min(i + 1, w.length);
}

type Rule = readonly [suffix: string, replacement: string];

const STEP2: readonly Rule[] = [
  ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'], ['abli', 'able'],
  ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'], ['ation', 'ate'],
  ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'],
  ['iviti', 'ive'], ['biliti', 'ble'],
];

const STEP3: readonly Rule[] = [
  ['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', ''],
];

const STEP4 = [
  'al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion', 'ou', 'ism', 'ate', 'iti',
  'ous', 'ive', 'ize',
];

/** The longest suffix of `w` from `suffixes`, or undefined. */
function longest<T extends string | Rule>(w: string, items: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestLength = -1;
  for (const item of items) {
    const suffix = typeof item === 'string' ? item : item[0];
    if (suffix.length > bestLength && w.endsWith(suffix)) {
      best = item;
      bestLength = suffix.length;
    }
  }
  return best;
}

/**
 * The original Porter stemmer (1980), exactly: it reproduces Martin Porter's published vocabulary → output list
 * (the `voc.txt` / `output.txt` pair shipped by Snowball) on every one of its 30,428 words. natural's
 * `PorterStemmer` differs from that list on 39 words (it leaves words of two letters alone and applies a
 * `-logi`/`-bli` variant), which is why this package carries its own implementation.
 *
 * The input is lowercased first; letters outside a–z pass through untouched.
 *
 * @param word one word
 * @returns its stem (`'caresses'` → `'caress'`, `'relational'` → `'relat'`, `'s'` → `''`)
 */
export function porterStem(word: string): string {
  let w = check.string(word, 'word').toLowerCase();
  // A y at the start or after a vowel is a consonant: mark it 'Y' for the duration.
  let marked = false;
  if (w.includes('y')) {
    // One pass over UTF-16 code units (an array of one-character strings would cost a string object per letter).
    const units = new Uint16Array(w.length);
    for (let i = 0; i < w.length; i++) units[i] = w.charCodeAt(i);
    const Y = 0x59;
    const y = 0x79;
    for (let i = 0; i < units.length; i++) {
      if (units[i] === y && (i === 0 || isVowelCode(units[i - 1]!))) {
        units[i] = Y;
        marked = true;
      }
    }
    if (marked) {
      // One flat string (a rope of pieces made later string work on a long word superlinear).
      w = new TextDecoder('utf-16le').decode(units);
    }
  }
  const p1 = regionStart(w, 0);
  const p2 = regionStart(w, p1);
  const inR1 = (suffix: string): boolean => w.length - suffix.length >= p1;
  const inR2 = (suffix: string): boolean => w.length - suffix.length >= p2;

  // Step 1a.
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (w.endsWith('ss')) {
    // unchanged
  } else if (w.endsWith('s')) w = w.slice(0, -1);

  // Step 1b.
  if (w.endsWith('eed')) {
    if (inR1('eed')) w = w.slice(0, -1);
  } else {
    const suffix = w.endsWith('ed') ? 'ed' : w.endsWith('ing') ? 'ing' : '';
    if (suffix !== '' && hasVowel(w.slice(0, -suffix.length))) {
      w = w.slice(0, -suffix.length);
      const n = w.length;
      const last = w[n - 1];
      if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) {
        w += 'e';
      } else if (n >= 2 && last === w[n - 2] && 'bdfgmnprt'.includes(last ?? '')) {
        w = w.slice(0, -1);
      } else if (w.length === p1 && endsShortSyllable(w)) {
        w += 'e';
      }
    }
  }

  // Step 1c.
  if ((w.endsWith('y') || w.endsWith('Y')) && hasVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;

  // Steps 2 and 3: the longest matching suffix decides; its condition failing stops the step.
  for (const rules of [STEP2, STEP3]) {
    const rule = longest(w, rules);
    if (rule !== undefined && inR1(rule[0])) w = w.slice(0, w.length - rule[0].length) + rule[1];
  }

  // Step 4.
  const suffix4 = longest(w, STEP4);
  if (suffix4 !== undefined && inR2(suffix4)) {
    const before = w[w.length - suffix4.length - 1];
    if (suffix4 !== 'ion' || before === 's' || before === 't') w = w.slice(0, w.length - suffix4.length);
  }

  // Step 5a.
  if (w.endsWith('e')) {
    const stem = w.slice(0, -1);
    if (inR2('e') || (inR1('e') && !endsShortSyllable(stem))) w = stem;
  }
  // Step 5b.
  if (w.endsWith('ll') && inR2('l')) w = w.slice(0, -1);

  return marked ? w.replace(/Y/g, 'y') : w;
}
