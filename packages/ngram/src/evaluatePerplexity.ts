import { BackoffLanguageModel } from './backoffLanguageModel.js';
import { NgramInputError, describe } from './errors.js';
import type { LanguageModel } from './languageModel.js';
import { EOS, EOS_ID, UNK } from './vocabulary.js';

/** Perplexity report in KenLM `query`'s terms. */
export interface PerplexityResult {
  /** 10^(-total / tokens), OOV tokens included (scored as `<unk>`). */
  perplexity: number;
  /** Same with OOV tokens and their scores left out. */
  perplexityExcludingOov: number;
  /** Number of scored tokens: words plus one `</s>` per sentence. */
  tokens: number;
  /** Number of out-of-vocabulary tokens. */
  oov: number;
  /** Total log10 probability, OOVs included. */
  logProb: number;
  /** Number of sentences. */
  sentences: number;
}

/**
 * Perplexity of `model` on `sentences`, counting one `</s>` per sentence as KenLM does (PTB test: 82,430
 * tokens). Works on any {@link LanguageModel}; a {@link BackoffLanguageModel} takes its allocation-free path.
 * @throws NgramInputError for a non-string token (naming its sentence) or when there is nothing to score.
 */
export function evaluatePerplexity(model: LanguageModel, sentences: Iterable<readonly string[]>): PerplexityResult {
  let total = 0;
  let oovTotal = 0;
  let tokens = 0;
  let oov = 0;
  let line = 0;
  const backoff = model instanceof BackoffLanguageModel ? model : undefined;
  const vocab = backoff === undefined ? new Set(model.vocabulary) : undefined;
  const ids = backoff?.data.vocabulary;
  for (const sentence of sentences) {
    line++;
    if (!Array.isArray(sentence)) {
      throw new NgramInputError(`@nlpkit/ngram: sentence ${line} must be an array of tokens, got ${describe(sentence)}`, line);
    }
    const state = backoff?.beginSentence();
    const context: string[] = [];
    for (let i = 0; i <= sentence.length; i++) {
      const word: unknown = i < sentence.length ? sentence[i] : EOS;
      if (typeof word !== 'string') {
        throw new NgramInputError(
          `@nlpkit/ngram: token ${i + 1} of sentence ${line} must be a string, got ${describe(word)}`,
          line,
        );
      }
      let logProb: number;
      let isOov: boolean;
      if (backoff && state && ids) {
        // One map lookup per token: -1 means out of vocabulary, scored as <unk> (id 0).
        const id = i < sentence.length ? ids.lookup(word) : EOS_ID;
        isOov = id <= 0;
        logProb = backoff.scoreId(state, isOov ? 0 : id);
      } else {
        isOov = !vocab!.has(word) || word === UNK;
        logProb = model.logProb(word, context);
        context.push(word);
      }
      total += logProb;
      tokens++;
      if (isOov) {
        oov++;
        oovTotal += logProb;
      }
    }
  }
  if (tokens === 0) throw new NgramInputError('@nlpkit/ngram: the evaluation text is empty; expected at least one sentence');
  const perplexity = 10 ** (-total / tokens);
  const kept = tokens - oov;
  const perplexityExcludingOov = kept > 0 ? 10 ** (-(total - oovTotal) / kept) : Number.NaN;
  return { perplexity, perplexityExcludingOov, tokens, oov, logProb: total, sentences: line };
}
