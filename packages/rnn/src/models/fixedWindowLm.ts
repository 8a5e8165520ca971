import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { BOS_ID, PAD_ID, type Rng } from '@nlpkit/core';
import { uniform } from '@nlpkit/tensor';
import type { LmStream } from '../data/lmStream.js';
import { RnnOptionError } from '../errors.js';
import { dense } from '../layers/dense.js';
import { dropoutMask } from '../layers/dropoutMask.js';
import { embedding } from '../layers/embedding.js';
import type { RngLike } from '../types.js';
import { checkIdRows, idsTensor, type TokenIds } from '../layers/idsTensor.js';
import { checkKeys, checkNumber } from '../validate.js';
import { checkModelParams } from './modelArtifact.js';

/**
 * Shape of a fixed-window neural LM (Bengio et al. 2003): the embeddings of the previous `context` tokens,
 * concatenated, → a tanh hidden layer → a softmax over the vocabulary. (The paper's optional direct connections
 * from the embeddings to the softmax are left out.)
 */
export interface FixedWindowLmConfig {
  vocabSize: number;
  /** Tokens of history (n − 1 for an n-gram-like model). */
  context: number;
  embeddingSize: number;
  hiddenSize: number;
}

/** Parameters of a {@link FixedWindowLmConfig} model. */
export interface FixedWindowLmParams {
  embedding: Tensor2D;
  /** `w: [context·E, H]`, `b: [H]`. */
  hidden: { w: Tensor2D; b: Tensor1D };
  /** `w: [H, V]`, `b: [V]`. */
  output: { w: Tensor2D; b: Tensor1D };
}

/** Checks a {@link FixedWindowLmConfig}; returns it unchanged. @throws RnnOptionError naming the field */
export function checkFixedWindowLmConfig(config: FixedWindowLmConfig, argument = 'config'): FixedWindowLmConfig {
  if (config === null || typeof config !== 'object') throw new RnnOptionError({ argument, expected: 'a fixed-window LM config record', found: config });
  checkKeys(config, argument, ['vocabSize', 'context', 'embeddingSize', 'hiddenSize']);
  checkNumber(config.vocabSize, `${argument}.vocabSize`, 1, 1 << 24, true);
  checkNumber(config.context, `${argument}.context`, 1, 64, true);
  checkNumber(config.embeddingSize, `${argument}.embeddingSize`, 1, 1 << 16, true);
  checkNumber(config.hiddenSize, `${argument}.hiddenSize`, 1, 1 << 16, true);
  return config;
}

/** The name and shape of every weight a config implies (the names `flattenParams` gives {@link initFixedWindowLm}'s tree). */
export function fixedWindowLmShapes(config: FixedWindowLmConfig): Map<string, number[]> {
  const { vocabSize: V, context: C, embeddingSize: E, hiddenSize: H } = checkFixedWindowLmConfig(config);
  return new Map([['embedding', [V, E]], ['hidden.w', [C * E, H]], ['hidden.b', [H]], ['output.w', [H, V]], ['output.b', [V]]]);
}

/** Every weight U(±initScale) (default 0.1), drawn from `rng`. */
export function initFixedWindowLm(config: FixedWindowLmConfig, rng: Rng, initScale = 0.1): FixedWindowLmParams {
  const { vocabSize: V, context: C, embeddingSize: E, hiddenSize: H } = checkFixedWindowLmConfig(config);
  checkNumber(initScale, 'initScale', 0, 10);
  const u = (shape: number[]): Tensor => uniform(shape, rng, -initScale, initScale);
  return tf.tidy(() => ({
    embedding: u([V, E]),
    hidden: { w: u([C * E, H]), b: u([H]) },
    output: { w: u([H, V]), b: u([V]) },
  }) as unknown as tf.TensorContainerObject) as unknown as FixedWindowLmParams;
}

/**
 * Logits `[N, V]` for contexts `[N, context]` (int32, oldest token first; `<pad>` where the sentence has fewer
 * tokens). With `training` and `dropout`, dropout on the hidden layer. Leaves intermediates to the caller's `tidy`.
 */
export function fixedWindowLmForward(
  config: FixedWindowLmConfig,
  params: FixedWindowLmParams,
  contexts: TokenIds,
  options: { dropout?: number; training?: boolean; rng?: RngLike } = {},
): Tensor2D {
  checkKeys(options, 'options', ['dropout', 'training', 'rng']);
  checkFixedWindowLmConfig(config);
  checkModelParams(params, fixedWindowLmShapes(config), 'params', config);
  checkIdRows(contexts, config.vocabSize, 'contexts');
  const ids = idsTensor(contexts, 'contexts');
  const [N, C] = ids.shape;
  if (C !== config.context) throw new RnnOptionError({ argument: 'contexts', expected: `[N, ${config.context}] (config.context)`, foundText: `[${N}, ${C}]` });
  const rate = checkNumber(options.dropout ?? 0, 'options.dropout', 0, 0.999999);
  const x = tf.reshape(embedding(params.embedding, ids), [N, C * config.embeddingSize]) as Tensor2D;
  let h = tf.tanh(dense(params.hidden, x)) as Tensor2D;
  if (options.training === true && rate > 0) {
    if (options.rng === undefined) throw new RnnOptionError({ argument: 'options.rng', expected: 'a generator for dropout while training', found: undefined });
    h = tf.mul(h, dropoutMask(h.shape, rate, options.rng)) as Tensor2D;
  }
  return dense(params.output, h);
}

/**
 * The context of every prediction of an {@link LmStream}: `[targets.length · context]` ids, row `i` holding the
 * `context` inputs up to and including `inputs[i]`, never reaching back past the `<s>` that starts the sentence
 * (left-padded with `<pad>`). So a window is the sentence so far, as the `LanguageModel` contract scores it.
 */
export function fixedWindowContexts(stream: LmStream, context: number): Int32Array {
  checkNumber(context, 'context', 1, 64, true);
  const n = stream.inputs.length;
  const out = new Int32Array(n * context).fill(PAD_ID);
  let start = 0; // index of the sentence's <s> in inputs
  for (let i = 0; i < n; i++) {
    if (stream.inputs[i] === BOS_ID) start = i;
    const from = Math.max(start, i - context + 1);
    const len = i - from + 1;
    out.set(stream.inputs.subarray(from, i + 1), i * context + context - len);
  }
  return out;
}
