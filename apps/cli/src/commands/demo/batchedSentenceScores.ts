import type { LanguageModel, SentenceScore, TokenLike } from '@nlpkit/core';
import { BOS_ID, EOS, EOS_ID, PAD_ID, UNK_ID, tokenTexts } from '@nlpkit/core';
import type * as Rnn from '@nlpkit/rnn';
import type { RecurrentLmConfig, RecurrentLmParams } from '@nlpkit/rnn';
import type * as Tf from '@tensorflow/tfjs-core';

/** Per-token log10 probabilities of one sentence, `</s>` last. */
export type TokenScores = Float64Array;

/** Modules loaded only when the neural part of the demo runs (tfjs is large). */
export interface TensorModules {
  readonly tf: typeof Tf;
  readonly rnn: typeof Rnn;
}

const LOG10E = Math.LOG10E;

/**
 * Per-token log10 probabilities of many sentences under a recurrent LM (as its `scoreSentence` gives them: `<pad>`
 * and `<s>` left out of the softmax), computed in padded batches of sentences of
 * similar length, with the log-softmax and the pick of each target done on the device so that only one number per
 * token is read back. `recurrentLanguageModel(...).scoreSentence` runs one batch-1 pass per sentence and reads
 * every logit back (~85 ms a sentence for a 10,000-word vocabulary on wasm when this was written, ~10 ms since its
 * read-back stopped going through `tf.tidy`'s walk of the returned values); this was ~20 times faster. The values
 * are the same: each sentence starts from a zero state after `<s>`, and right padding does not reach earlier
 * positions of a forward network.
 *
 * TODO(lead): this belongs in `@nlpkit/rnn` (a batched `scoreSentences`); it lives here until it moves there.
 */
export function batchedSentenceScores(
  modules: TensorModules,
  model: { config: RecurrentLmConfig; params: RecurrentLmParams; vocabulary: LanguageModel['vocabulary'] },
  sentences: readonly (readonly string[])[],
  options: { batchTokens?: number; onBatch?: (done: number) => void } = {},
): TokenScores[] {
  const { tf, rnn } = modules;
  const { config, params, vocabulary } = model;
  const V = config.vocabSize;
  const ids = sentences.map((sentence) => sentence.map((token) => { const id = vocabulary.lookup(token); return id < 0 ? UNK_ID : id; }));
  const order = ids.map((_, i) => i).sort((a, b) => ids[a]!.length - ids[b]!.length);
  const scores: TokenScores[] = new Array<TokenScores>(sentences.length);
  const budget = options.batchTokens ?? 2048;
  const mask = new Float32Array(V);
  mask[PAD_ID] = -Infinity;
  mask[BOS_ID] = -Infinity;
  const excluded = tf.tensor1d(mask);
  let done = 0;
  try {
    for (let start = 0; start < order.length; ) {
      // Sentences sorted by length: a batch is as many as fit the token budget at the longest one's length.
      let end = start + 1;
      while (end < order.length && (end - start + 1) * (ids[order[end]!]!.length + 1) <= budget) end++;
      const rows = order.slice(start, end);
      const width = ids[rows.at(-1)!]!.length + 1;
      const inputs = rows.map((i) => [BOS_ID, ...ids[i]!, ...new Array<number>(width - ids[i]!.length - 1).fill(PAD_ID)]);
      const flatTargets = new Int32Array(rows.length * width);
      rows.forEach((i, b) => {
        const row = ids[i]!;
        for (let t = 0; t < width; t++) flatTargets[b * width + t] = (b * width + t) * V + (t < row.length ? row[t]! : t === row.length ? EOS_ID : PAD_ID);
      });
      const picked = tf.tidy(() => {
        const { logits } = rnn.recurrentLmForward(config, params, inputs);
        // As the model's own scoring: <pad> and <s> are never predicted, so the softmax leaves them out.
        const logProbs = tf.reshape(tf.logSoftmax(tf.add(logits, excluded)), [-1]);
        return tf.gather(logProbs, tf.tensor1d(flatTargets, 'int32')).dataSync() as Float32Array;
      });
      rows.forEach((i, b) => {
        const n = ids[i]!.length + 1;
        const out = new Float64Array(n);
        for (let t = 0; t < n; t++) out[t] = picked[b * width + t]! * LOG10E;
        scores[i] = out;
      });
      done += rows.length;
      options.onBatch?.(done);
      start = end;
    }
  } finally {
    excluded.dispose();
  }
  return scores;
}

/**
 * `model` with `scoreSentence` answered from precomputed scores for the sentences in `scores` (keyed by their
 * tokens), so core's `evaluatePerplexity`, `tuneInterpolationWeights` and `interpolateModels` get batched speed;
 * other sentences, and every other method, go to `model`.
 */
export function withSentenceScores<S>(model: LanguageModel<S>, sentences: readonly (readonly string[])[], scores: readonly TokenScores[]): LanguageModel<S> {
  const table = new Map<string, TokenScores>();
  sentences.forEach((sentence, i) => table.set(sentence.join('\u0000'), scores[i]!));
  const scoreSentence = (sentence: readonly TokenLike[], options: { readonly perToken?: boolean } = {}): SentenceScore => {
    const tokens = tokenTexts(sentence, 'sentence', '@nlpkit/cli');
    const cached = table.get(tokens.join('\u0000'));
    if (cached === undefined) return model.scoreSentence(sentence, options);
    let log10Prob = 0;
    let oov = 0;
    let oovLog10Prob = 0;
    const perToken = options.perToken === true ? [] as { token: string; log10Prob: number; oov: boolean }[] : undefined;
    for (let t = 0; t < cached.length; t++) {
      const token = t < tokens.length ? tokens[t]! : EOS;
      const isOov = t < tokens.length && !model.vocabulary.has(token);
      log10Prob += cached[t]!;
      if (isOov) {
        oov++;
        oovLog10Prob += cached[t]!;
      }
      perToken?.push({ token, log10Prob: cached[t]!, oov: isOov });
    }
    return { log10Prob, tokens: cached.length, oov, oovLog10Prob, ...(perToken ? { perToken } : {}) };
  };
  return Object.freeze({
    order: model.order,
    vocabulary: model.vocabulary,
    startState: () => model.startState(),
    scoreToken: (state: S, token: string) => model.scoreToken(state, token),
    nextLog10Probs: (state: S) => model.nextLog10Probs(state),
    scoreSentence,
  });
}
