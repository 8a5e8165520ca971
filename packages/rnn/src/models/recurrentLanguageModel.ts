import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import {
  BOS_ID,
  EOS_ID,
  PAD_ID,
  UNK_ID,
  tokenTexts,
  type LanguageModel,
  type SentenceScore,
  type TokenLike,
  type Vocabulary,
} from '@nlpkit/core';
import { checkSyncRead, tidyValue } from '@nlpkit/tensor';
import { PKG, RnnOptionError } from '../errors.js';
import { dense, tiedWeight } from '../layers/dense.js';
import { embedding } from '../layers/embedding.js';
import { rnnStack } from '../layers/rnnStack.js';
import type { CellState } from '../types.js';
import { checkKeys } from '../validate.js';
import { checkModelParams } from './modelArtifact.js';
import { checkRecurrentLmConfig, recurrentLmForward, recurrentLmShapes, type RecurrentLmConfig, type RecurrentLmParams } from './recurrentLm.js';
import { sentenceScoreOf } from './sentenceScore.js';

/**
 * The state of a {@link recurrentLanguageModel}: each layer's hidden state `h` (and cell state `c` for an LSTM)
 * after the tokens read so far, copied off the device, plus the next-token distribution they give. Plain data
 * owned by the garbage collector, never changed once made: keep, branch or drop it freely.
 */
export interface RecurrentLmState {
  /** Per layer, the hidden state `[H]` (or `[P]` with an LSTM projection). */
  readonly h: readonly Float32Array[];
  /** Per layer, the LSTM cell state `[H]`; absent for RNN and GRU cells. */
  readonly c?: readonly Float32Array[];
  /** log10 P(id | tokens so far) for every id (`-Infinity` for `<pad>` and `<s>`). */
  readonly log10Probs: Float64Array;
}

/**
 * A {@link recurrentLanguageModel}: core's synchronous {@link LanguageModel}, plus {@link scoreSentenceAsync} for
 * backends that cannot read tensors synchronously.
 */
export interface RecurrentLanguageModel extends LanguageModel<RecurrentLmState> {
  /**
   * `scoreSentence`, reading the logits with `await tensor.data()`: the same scores, on every backend, webgpu
   * included (where the synchronous methods throw an `UnsupportedError`).
   */
  scoreSentenceAsync(sentence: readonly TokenLike[], options?: { readonly perToken?: boolean }): Promise<SentenceScore>;
}

/** What {@link recurrentLanguageModel} needs: the model and the vocabulary its ids come from. */
export interface RecurrentLanguageModelOptions {
  readonly config: RecurrentLmConfig;
  /** The trained parameters; the model reads them and never disposes them. */
  readonly params: RecurrentLmParams;
  /** `@nlpkit/core` vocabulary with `size === config.vocabSize`, the one the training ids were encoded with. */
  readonly vocabulary: Vocabulary;
}

const LOG10E = Math.LOG10E;

/** log-sum-exp of one row of logits over the ids the model predicts (all but `<pad>` and `<s>`), in float64. */
export function rowLse(logits: Float32Array, offset: number, V: number): number {
  let max = -Infinity;
  for (let j = 0; j < V; j++) if (j !== PAD_ID && j !== BOS_ID && (logits[offset + j] as number) > max) max = logits[offset + j] as number;
  let sum = 0;
  for (let j = 0; j < V; j++) if (j !== PAD_ID && j !== BOS_ID) sum += Math.exp((logits[offset + j] as number) - max);
  return max + Math.log(sum);
}

/**
 * log10 softmax of one row of logits in float64, with `<pad>` and `<s>` given probability 0 (`-Infinity`) and the
 * rest renormalized: those ids are never predicted (the model was not trained to predict them, and the core
 * contract says so), whatever logits the weights give them.
 */
export function log10Softmax(logits: Float32Array, offset: number, V: number): Float64Array {
  const lse = rowLse(logits, offset, V);
  const out = new Float64Array(V);
  for (let j = 0; j < V; j++) out[j] = j === PAD_ID || j === BOS_ID ? -Infinity : ((logits[offset + j] as number) - lse) * LOG10E;
  return out;
}

/**
 * A trained recurrent LM (from {@link initRecurrentLm} and training) as `@nlpkit/core`'s {@link LanguageModel}:
 * `evaluatePerplexity`, `interpolateModels` (for example with a Kneser-Ney model from `@nlpkit/ngram`),
 * `generate` and `topK` then work on it unchanged. Probabilities are log10, as the contract says.
 *
 * - `order` is `Infinity` (the whole sentence is context).
 * - A state holds each layer's `h`/`c` as Float32Arrays and the next-token distribution (see {@link RecurrentLmState});
 *   `scoreToken` runs one step of the network on the device and copies the result off it.
 * - `scoreSentence` runs the sentence as one batch-1 forward pass: input `<s> w1 … wn`, targets `w1 … wn </s>`.
 * - A token not in the vocabulary is scored as `<unk>` and counted as OOV.
 *
 * Every call runs inside `tf.tidy`: no tensor outlives it.
 *
 * The `LanguageModel` methods are synchronous, as core's contract is: they read tensors with `dataSync()`, which
 * tfjs-backend-webgpu cannot do reliably (headless Chromium reads zeros), so on webgpu they throw an
 * `UnsupportedError`; use `scoreSentenceAsync` or `evaluateRecurrentLmStream` there.
 *
 * @example
 * const lm = recurrentLanguageModel({ config, params, vocabulary });
 * evaluatePerplexity(lm, testSentences).perplexity;
 * const mixed = interpolateModels([lm, knModel], [0.5, 0.5]);
 */
export function recurrentLanguageModel(options: RecurrentLanguageModelOptions): RecurrentLanguageModel {
  checkKeys(options, 'options', ['config', 'params', 'vocabulary']);
  const { config, params, vocabulary } = options;
  checkRecurrentLmConfig(config, 'options.config');
  checkModelParams(params, recurrentLmShapes(config), 'options.params', config);
  if (vocabulary === null || typeof vocabulary !== 'object' || typeof vocabulary.lookup !== 'function') {
    throw new RnnOptionError({ argument: 'options.vocabulary', expected: 'a Vocabulary from @nlpkit/core', found: vocabulary });
  }
  const V = config.vocabSize;
  if (vocabulary.size !== V) {
    throw new RnnOptionError({ argument: 'options.vocabulary.size', expected: `config.vocabSize (${V})`, found: vocabulary.size });
  }
  if (params.embedding.shape[0] !== V) {
    throw new RnnOptionError({ argument: 'options.params.embedding', expected: `${V} rows (config.vocabSize)`, found: params.embedding.shape[0] });
  }
  const cell = config.cell ?? { type: 'lstm' };

  /** Feeds `id` to the network from `prev` (zeros when absent) and returns the state after it. */
  const step = (prev: RecurrentLmState | undefined, id: number): RecurrentLmState => {
    checkSyncRead({ package: PKG, what: 'recurrentLanguageModel: startState/scoreToken', alternative: 'scoreSentenceAsync' });
    let widths: { h: number; c: number | undefined }[] = [];
    const read = tidyValue(() => {
      const initialState: CellState[] | undefined =
        prev === undefined
          ? undefined
          : prev.h.map((h, k) => {
              const s: CellState = { h: tf.tensor2d(h, [1, h.length]) };
              const c = prev.c?.[k];
              if (c !== undefined) s.c = tf.tensor2d(c, [1, c.length]);
              return s;
            });
      const x = embedding(params.embedding, tf.tensor2d([id], [1, 1], 'int32')) as tf.Tensor3D;
      const r = rnnStack(cell, params.rnn, x, initialState === undefined ? {} : { initialState });
      const top = tf.reshape(r.outputs, [1, r.outputs.shape[2]]) as Tensor2D;
      const logits = dense({ w: params.output.w ?? tiedWeight(params.embedding), b: params.output.b }, top);
      widths = r.states.map((s) => ({ h: s.h.shape[1], c: s.c?.shape[1] }));
      // One download for the logits and every layer's h and c.
      const parts = [logits, ...r.states.flatMap((s) => (s.c === undefined ? [s.h] : [s.h, s.c]))].map((t) => tf.reshape(t, [-1]));
      return tf.concat(parts).dataSync() as Float32Array;
    });
    let at = V;
    const h: Float32Array[] = [];
    const c: Float32Array[] = [];
    for (const w of widths) {
      h.push(read.slice(at, at + w.h));
      at += w.h;
      if (w.c !== undefined) {
        c.push(read.slice(at, at + w.c));
        at += w.c;
      }
    }
    return Object.freeze({ h: Object.freeze(h), ...(c.length > 0 ? { c: Object.freeze(c) } : {}), log10Probs: log10Softmax(read, 0, V) });
  };

  const idOf = (token: string): { id: number; oov: boolean } => {
    const id = vocabulary.lookup(token);
    return id < 0 ? { id: UNK_ID, oov: true } : { id, oov: false };
  };

  const sentenceIds = (sentence: readonly TokenLike[]): { tokens: readonly string[]; targets: { id: number; oov: boolean }[]; inputs: number[] } => {
    const tokens = tokenTexts(sentence, 'tokens', PKG);
    const targets = [...tokens.map(idOf), { id: EOS_ID, oov: false }];
    return { tokens, targets, inputs: [BOS_ID, ...targets.slice(0, -1).map((t) => t.id)] };
  };
  const scoreOf = (tokens: readonly string[], targets: { id: number; oov: boolean }[], logits: Float32Array, perToken: boolean): SentenceScore =>
    sentenceScoreOf(tokens, targets, (i, id) => (id === PAD_ID || id === BOS_ID ? -Infinity : ((logits[i * V + id] as number) - rowLse(logits, i * V, V)) * LOG10E), perToken);

  let start: RecurrentLmState | undefined;
  return Object.freeze({
    order: Infinity,
    vocabulary,
    startState(): RecurrentLmState {
      start ??= step(undefined, BOS_ID);
      return start;
    },
    scoreToken(state: RecurrentLmState, token: string) {
      const { id, oov } = idOf(token);
      return { log10Prob: state.log10Probs[id] as number, oov, state: step(state, id) };
    },
    nextLog10Probs(state: RecurrentLmState): Float64Array {
      return Float64Array.from(state.log10Probs);
    },
    scoreSentence(sentence: readonly TokenLike[], scoreOptions: { readonly perToken?: boolean } = {}): SentenceScore {
      checkSyncRead({ package: PKG, what: 'recurrentLanguageModel: scoreSentence', alternative: 'scoreSentenceAsync' });
      const { tokens, targets, inputs } = sentenceIds(sentence);
      const logits = tidyValue(() => recurrentLmForward(config, params, [inputs]).logits.dataSync() as Float32Array);
      return scoreOf(tokens, targets, logits, scoreOptions.perToken === true);
    },
    async scoreSentenceAsync(sentence: readonly TokenLike[], scoreOptions: { readonly perToken?: boolean } = {}): Promise<SentenceScore> {
      const { tokens, targets, inputs } = sentenceIds(sentence);
      const logitsTensor = tf.tidy(() => recurrentLmForward(config, params, [inputs]).logits);
      let logits: Float32Array;
      try {
        logits = (await logitsTensor.data()) as Float32Array;
      } finally {
        logitsTensor.dispose();
      }
      return scoreOf(tokens, targets, logits, scoreOptions?.perToken === true);
    },
  });
}
