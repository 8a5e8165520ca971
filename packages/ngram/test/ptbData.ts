import { readFileSync } from 'node:fs';
import { referenceData } from '@nlpkit/vitest-config';

/**
 * The PTB files (committed under test-data/ptb; ../shared/data/ptb is the fallback). Pass `ptb.options` to
 * `describe`: without the files the suite is skipped with the reason in the summary (a failure in CI).
 */
export const ptb = referenceData('ptb/ptb.train.txt', 'ptb/ptb.valid.txt', 'ptb/ptb.test.txt');

/**
 * PTB split as sentences, with `<unk>` renamed to `UNK` as KenLM needs (lmplz refuses a literal `<unk>` in
 * training text; scripts/golden/ngram/kenlm_ptb.py does the same).
 */
export function loadPtb(split: 'train' | 'valid' | 'test'): string[][] {
  const text = readFileSync(ptb.path(`ptb/ptb.${split}.txt`), 'utf8');
  const sentences: string[][] = [];
  for (const line of text.split('\n')) {
    const words = line.split(' ').filter((w) => w !== '');
    if (words.length === 0 && line.trim() === '') continue;
    sentences.push(words.map((w) => (w === '<unk>' ? 'UNK' : w)));
  }
  return sentences;
}
