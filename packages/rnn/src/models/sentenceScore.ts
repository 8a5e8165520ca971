import { EOS, type SentenceScore, type TokenLog10Prob } from '@nlpkit/core';

/** A sentence's target ids (its tokens, then `</s>`), and whether each token was out of the vocabulary. */
export interface ScoredTarget {
  readonly id: number;
  readonly oov: boolean;
}

/**
 * The `scoreSentence` result of a neural LM: the sum of `log10ProbAt(i, id)` over `targets` (the tokens, then
 * `</s>`), the OOV count and mass, and each token's probability when `perToken` is asked.
 */
export function sentenceScoreOf(tokens: readonly string[], targets: readonly ScoredTarget[], log10ProbAt: (i: number, id: number) => number, perToken: boolean): SentenceScore {
  let log10Prob = 0;
  let oov = 0;
  let oovLog10Prob = 0;
  const each: TokenLog10Prob[] | undefined = perToken ? [] : undefined;
  targets.forEach((t, i) => {
    const p = log10ProbAt(i, t.id);
    log10Prob += p;
    if (t.oov) {
      oov++;
      oovLog10Prob += p;
    }
    each?.push({ token: i < tokens.length ? (tokens[i] as string) : EOS, log10Prob: p, oov: t.oov });
  });
  return { log10Prob, tokens: tokens.length + 1, oov, oovLog10Prob, ...(each ? { perToken: each } : {}) };
}
