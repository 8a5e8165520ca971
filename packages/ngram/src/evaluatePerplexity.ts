import { BackoffLanguageModel } from './backoffLanguageModel.js';
import { NgramInputError, describe } from './errors.js';
import type { LanguageModel } from './languageModel.js';
import { BOS_ID, EOS, EOS_ID, UNK, UNK_ID } from './vocabulary.js';

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
  if (model instanceof BackoffLanguageModel) return evaluateBackoff(model, sentences);
  let total = 0;
  let oovTotal = 0;
  let tokens = 0;
  let oov = 0;
  let line = 0;
  const vocab = new Set(model.vocabulary);
  for (const sentence of sentences) {
    line++;
    if (!Array.isArray(sentence)) {
      throw new NgramInputError(`@nlpkit/ngram: sentence ${line} must be an array of tokens, got ${describe(sentence)}`, line);
    }
    const context: string[] = [];
    for (let i = 0; i <= sentence.length; i++) {
      const word: unknown = i < sentence.length ? sentence[i] : EOS;
      if (typeof word !== 'string') {
        throw new NgramInputError(
          `@nlpkit/ngram: token ${i + 1} of sentence ${line} must be a string, got ${describe(word)}`,
          line,
        );
      }
      const isOov = !vocab.has(word) || word === UNK;
      const logProb = model.logProb(word, context);
      context.push(word);
      total += logProb;
      tokens++;
      if (isOov) {
        oov++;
        oovTotal += logProb;
      }
    }
  }
  return finish(total, oovTotal, tokens, oov, line);
}

/**
 * {@link evaluatePerplexity} for a backoff model: KenLM `query`'s loop. It takes the same steps as
 * {@link BackoffLanguageModel.scoreId} (find the longest n-gram by extending the state's matches one order at a
 * time, then add the backoffs of the longer contexts), inlined with the tables held in locals and one state array
 * reused across sentences: on PTB that makes the first (cold, not yet optimized) pass about 20% faster than calling
 * `scoreId` per token. Tests check it against `scoreSentence`.
 */
function evaluateBackoff(model: BackoffLanguageModel, sentences: Iterable<readonly string[]>): PerplexityResult {
  const { indexes, logProbs, backoffs, vocabulary } = model.data;
  const order = model.order;
  // ids[k]: id (in order k) of the k-gram made of the last k words, -1 when absent; see BackoffState.
  const ids = new Int32Array(order + 1);
  let total = 0;
  let oovTotal = 0;
  let tokens = 0;
  let oov = 0;
  let line = 0;
  for (const sentence of sentences) {
    line++;
    if (!Array.isArray(sentence)) throw notSentence(sentence, line);
    ids.fill(-1);
    if (order > 1) ids[1] = BOS_ID;
    const length = sentence.length;
    for (let i = 0; i <= length; i++) {
      let word = EOS_ID;
      let isOov = false;
      if (i < length) {
        const token: unknown = sentence[i];
        if (typeof token !== 'string') throw notToken(token, i, line);
        // One map lookup per token: -1 means out of vocabulary, scored as <unk> (id 0), as is <unk> itself.
        word = vocabulary.lookup(token);
        if (word <= 0) {
          isOov = true;
          word = UNK_ID;
        }
      }
      let matchedId = word;
      let k = 1;
      let previous = ids[1]!;
      for (; k < order; k++) {
        if (previous < 0) break;
        const id = indexes[k]!.find(previous, word);
        if (id < 0) break;
        const next = ids[k + 1]!;
        ids[k] = matchedId;
        matchedId = id;
        previous = next;
      }
      let logProb = logProbs[k - 1]![matchedId]!;
      for (let len = k; len < order; len++) {
        const ctx = len === k ? previous : ids[len]!;
        if (ctx < 0) break;
        logProb += backoffs[len - 1]![ctx]!;
      }
      ids[k] = matchedId;
      for (let len = k + 1; len <= order; len++) ids[len] = -1;
      total += logProb;
      tokens++;
      if (isOov) {
        oov++;
        oovTotal += logProb;
      }
    }
  }
  return finish(total, oovTotal, tokens, oov, line);
}

// Error construction lives outside the hot loop so the optimizing compiler has less to compile (the first pass
// runs unoptimized until the on-stack replacement is ready).
function notSentence(sentence: unknown, line: number): NgramInputError {
  return new NgramInputError(`@nlpkit/ngram: sentence ${line} must be an array of tokens, got ${describe(sentence)}`, line);
}

function notToken(token: unknown, i: number, line: number): NgramInputError {
  return new NgramInputError(`@nlpkit/ngram: token ${i + 1} of sentence ${line} must be a string, got ${describe(token)}`, line);
}

function finish(total: number, oovTotal: number, tokens: number, oov: number, sentences: number): PerplexityResult {
  if (tokens === 0) throw new NgramInputError('@nlpkit/ngram: the evaluation text is empty; expected at least one sentence');
  const perplexity = 10 ** (-total / tokens);
  const kept = tokens - oov;
  const perplexityExcludingOov = kept > 0 ? 10 ** (-(total - oovTotal) / kept) : Number.NaN;
  return { perplexity, perplexityExcludingOov, tokens, oov, logProb: total, sentences };
}
