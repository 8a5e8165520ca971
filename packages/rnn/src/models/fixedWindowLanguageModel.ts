import * as tf from '@tensorflow/tfjs-core';
import { BOS_ID, EOS_ID, PAD_ID, UNK_ID, tokenTexts, type LanguageModel, type SentenceScore, type TokenLike, type Vocabulary } from '@nlpkit/core';
import { checkSyncRead, tidyValue } from '@nlpkit/tensor';
import { PKG, RnnOptionError } from '../errors.js';
import { checkKeys } from '../validate.js';
import { checkFixedWindowLmConfig, fixedWindowLmForward, fixedWindowLmShapes, type FixedWindowLmConfig, type FixedWindowLmParams } from './fixedWindowLm.js';
import { checkModelParams } from './modelArtifact.js';
import { log10Softmax } from './recurrentLanguageModel.js';
import { sentenceScoreOf } from './sentenceScore.js';

/** State of a {@link fixedWindowLanguageModel}: the last `context` ids (oldest first) and the next-token distribution. */
export interface FixedWindowLmState {
  readonly context: Int32Array;
  readonly log10Probs: Float64Array;
}

/**
 * A trained fixed-window LM as `@nlpkit/core`'s `LanguageModel` (`order` = context + 1, log10 scores, `<pad>`
 * and `<s>` never predicted, OOV scored as `<unk>`); the same contract as `recurrentLanguageModel`, so
 * `evaluatePerplexity`, `interpolateModels`, `generate` and `topK` work on it.
 */
export function fixedWindowLanguageModel(options: {
  readonly config: FixedWindowLmConfig;
  readonly params: FixedWindowLmParams;
  readonly vocabulary: Vocabulary;
}): LanguageModel<FixedWindowLmState> {
  checkKeys(options, 'options', ['config', 'params', 'vocabulary']);
  const { params, vocabulary } = options;
  const config = checkFixedWindowLmConfig(options.config, 'options.config');
  checkModelParams(params, fixedWindowLmShapes(config), 'options.params', config);
  const V = config.vocabSize;
  const C = config.context;
  if (vocabulary === null || typeof vocabulary !== 'object' || vocabulary.size !== V) {
    throw new RnnOptionError({ argument: 'options.vocabulary', expected: `a Vocabulary of config.vocabSize (${V}) ids`, found: vocabulary?.size ?? vocabulary });
  }
  const logitsOf = (contexts: Int32Array, rows: number): Float32Array => {
    checkSyncRead({ package: PKG, what: 'fixedWindowLanguageModel', alternative: 'evaluateFixedWindowLm (perplexity), or the cpu or wasm backend' });
    return tidyValue(() => fixedWindowLmForward(config, params, tf.tensor2d(contexts, [rows, C], 'int32')).dataSync() as Float32Array);
  };
  const stateOf = (context: Int32Array): FixedWindowLmState => Object.freeze({ context, log10Probs: log10Softmax(logitsOf(context, 1), 0, V) });
  const idOf = (token: string): { id: number; oov: boolean } => {
    const id = vocabulary.lookup(token);
    return id < 0 ? { id: UNK_ID, oov: true } : { id, oov: false };
  };
  const shift = (context: Int32Array, id: number): Int32Array => {
    const next = new Int32Array(C);
    next.set(context.subarray(1));
    next[C - 1] = id;
    return next;
  };
  let start: FixedWindowLmState | undefined;
  return Object.freeze({
    order: C + 1,
    vocabulary,
    startState(): FixedWindowLmState {
      start ??= stateOf(shift(new Int32Array(C).fill(PAD_ID), BOS_ID));
      return start;
    },
    scoreToken(state: FixedWindowLmState, token: string) {
      const { id, oov } = idOf(token);
      return { log10Prob: state.log10Probs[id] as number, oov, state: stateOf(shift(state.context, id)) };
    },
    nextLog10Probs: (state: FixedWindowLmState) => Float64Array.from(state.log10Probs),
    scoreSentence(sentence: readonly TokenLike[], scoreOptions: { readonly perToken?: boolean } = {}): SentenceScore {
      const tokens = tokenTexts(sentence, 'tokens', PKG);
      const targets = [...tokens.map(idOf), { id: EOS_ID, oov: false }];
      const contexts = new Int32Array(targets.length * C);
      let context = shift(new Int32Array(C).fill(PAD_ID), BOS_ID);
      targets.forEach((t, i) => {
        contexts.set(context, i * C);
        context = shift(context, t.id);
      });
      const logits = logitsOf(contexts, targets.length);
      return sentenceScoreOf(tokens, targets, (i, id) => log10Softmax(logits, i * V, V)[id] as number, scoreOptions.perToken === true);
    },
  });
}
