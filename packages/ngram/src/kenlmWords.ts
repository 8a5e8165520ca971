import { check } from './errors.js';

/** Which KenLM tool's word splitting {@link kenlmWords} follows. */
export type KenlmSplit = 'lmplz' | 'query';

// The bytes each KenLM tool splits words at (KenLM 4cb443e). lmplz (lm/builder/corpus_count.cc) builds its own
// delimiter set from "\0\t\n\r " — \v and \f stay inside words; query reads words with util/spaces.cc's kSpaces
// (C isspace: space \t \n \v \f \r). Nothing else splits: U+00A0, U+FEFF, U+2000-U+200A, U+3000... are word text.
const SPLIT: Record<KenlmSplit, RegExp> = {
  lmplz: /[ \t\n\r\0]+/,
  query: /[ \t\n\v\f\r]+/,
};

const SPLITS: readonly KenlmSplit[] = ['lmplz', 'query'];

/**
 * The words of one line of text exactly as KenLM reads them: split only at the ASCII bytes the given tool treats
 * as spaces — `'lmplz'` (estimation, the default): space, `\t`, `\r`, NUL; `'query'` (scoring): space, `\t`,
 * `\v`, `\f`, `\r` — so every other character, including the Unicode spaces JavaScript's `\s` and
 * `String.prototype.split(/\s+/)` would split at (U+00A0, U+FEFF, U+2000–U+200A, U+3000...), stays part of a word,
 * and counts and scores equal KenLM's on any text. An empty or all-space line has no words: it is still a sentence
 * (`<s> </s>`) to KenLM, so keep it rather than skipping it.
 *
 * @example
 * kenlmWords('a\u00a0b c\td'); // ['a\u00a0b', 'c', 'd']
 * kenlmWords('x\vy', 'query'); // ['x', 'y'] (lmplz: ['x\vy'])
 */
export function kenlmWords(line: string, split: KenlmSplit = 'lmplz'): string[] {
  if (typeof line !== 'string') throw check.invalid(line, 'line', 'a string');
  const words = line.split(SPLIT[check.oneOf(split, 'split', SPLITS)]);
  // A leading or trailing separator leaves one empty string at that end.
  if (words[0] === '') words.shift();
  if (words.length > 0 && words[words.length - 1] === '') words.pop();
  return words;
}
