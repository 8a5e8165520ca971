import { readFileSync } from 'node:fs';

/** One case of `kenlm-zero-gamma.json`: a toy corpus, the order, and lmplz's ARPA for it (with `-inf` backoffs). */
export interface ZeroGammaCase {
  readonly name: string;
  readonly order: number;
  readonly sentences: readonly (readonly string[])[];
  readonly arpa: string;
}

/**
 * The cases of `test/fixtures/kenlm-zero-gamma.json` (scripts/golden/ngram/kenlm_zero_gamma.py): toy corpora where
 * some context's gamma is 0, each with lmplz's ARPA (`--discount_fallback`). Sentences split at spaces; '' is the
 * empty sentence.
 */
export function zeroGammaCases(): ZeroGammaCase[] {
  const fixture = JSON.parse(readFileSync(new URL('fixtures/kenlm-zero-gamma.json', import.meta.url), 'utf8')) as {
    cases: { name: string; order: number; sentences: string[]; arpa: string }[];
  };
  return fixture.cases.map(({ name, order, sentences, arpa }) => ({
    name,
    order,
    sentences: sentences.map((line) => (line === '' ? [] : line.split(' '))),
    arpa,
  }));
}
