import * as tf from '@tensorflow/tfjs-core';
import { BOS_ID, PAD_ID } from '@nlpkit/core';
import type { Scalar, Tensor2D } from '@tensorflow/tfjs-core';
import { batchifyLmStream } from '../data/batchifyLmStream.js';
import { bpttSegment, bpttSegmentCount } from '../data/bpttSegment.js';
import { checkStreamIds, type LmStream } from '../data/lmStream.js';
import type { CellState } from '../types.js';
import { checkKeys, checkNumber } from '../validate.js';
import { checkRecurrentLmConfig, recurrentLmForward, recurrentLmForwardLoss, type RecurrentLmConfig, type RecurrentLmParams } from './recurrentLm.js';

/** Options of {@link evaluateRecurrentLmStream}. */
export interface EvaluateLmStreamOptions {
  /**
   * Rows read in parallel, each a contiguous slice of the stream starting from a zero state. Default 10 (PyTorch's
   * word_language_model); 1 reads the whole stream with one state, as Zaremba et al. evaluated — slower.
   */
  readonly batchSize?: number;
  /** Time steps per forward pass. Default 35. */
  readonly bptt?: number;
  /** Stops between segments (the promise rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}

/** What {@link evaluateRecurrentLmStream} measured. */
export interface LmStreamEvaluation {
  /** `exp(nats / tokens)`. */
  readonly perplexity: number;
  /** Predictions scored: every word and one `</s>` per line. */
  readonly tokens: number;
  /** Total negative log-likelihood in nats. */
  readonly nats: number;
  /** Total log10 probability (`−nats · log10 e`), as `evaluatePerplexity` reports it. */
  readonly log10Prob: number;
}

/**
 * Forward-only evaluation over a whole {@link LmStream} (`lmStream(sentences, vocabulary)`): the state runs across
 * line ends as in training, every prediction is scored once (the stream is padded, not cut, to fill the rows),
 * and the sum of losses stays on the device until one read at the end. Probabilities are those of
 * `recurrentLanguageModel`: `<pad>` and `<s>` are never predicted and the other ids share their mass. This is the perplexity LM papers report
 * for PTB; `evaluatePerplexity` over a `recurrentLanguageModel` instead starts every sentence afresh.
 */
export async function evaluateRecurrentLmStream(
  config: RecurrentLmConfig,
  params: RecurrentLmParams,
  stream: LmStream,
  options: EvaluateLmStreamOptions = {},
): Promise<LmStreamEvaluation> {
  checkKeys(options, 'options', ['batchSize', 'bptt', 'signal']);
  checkRecurrentLmConfig(config, 'config');
  const B = checkNumber(options.batchSize ?? 10, 'options.batchSize', 1, 1 << 16, true);
  const bptt = checkNumber(options.bptt ?? 35, 'options.bptt', 1, 1 << 16, true);
  checkStreamIds(stream.inputs, config.vocabSize, 'stream.inputs');
  checkStreamIds(stream.targets, config.vocabSize, 'stream.targets');
  const batches = batchifyLmStream(stream, Math.min(B, stream.targets.length), { remainder: 'pad' });
  const count = bpttSegmentCount(batches, bptt);
  let state: CellState[] | undefined;
  const excluded = new Float32Array(config.vocabSize);
  for (const id of [PAD_ID, BOS_ID]) if (id < config.vocabSize) excluded[id] = -1e9;
  const never = tf.tensor1d(excluded);
  let total: Scalar = tf.scalar(0);
  try {
    for (let k = 0; k < count; k++) {
      if (options.signal?.aborted === true) throw options.signal.reason;
      const seg = bpttSegment(batches, k, bptt);
      const next = tf.tidy(() => {
        const x = tf.tensor2d(seg.inputs, [seg.batchSize, seg.steps], 'int32') as Tensor2D;
        const y = tf.tensor2d(seg.targets, [seg.batchSize, seg.steps], 'int32') as Tensor2D;
        const lengths = seg.lengths;
        const forward = { ...(state ? { state } : {}), ...(lengths ? { lengths } : {}) };
        // As the LanguageModel contract: <pad> and <s> are never predicted, the rest renormalized. The loss is taken
        // without the [rows·steps, V] logits where the backend can (one wasm kernel).
        const out = seg.tokens === 0
          ? { loss: tf.scalar(0), state: recurrentLmForward(config, params, x, forward).state }
          : recurrentLmForwardLoss(config, params, x, y, { ...forward, logitBias: never });
        return { sum: tf.add(total, tf.mul(out.loss, seg.tokens)) as Scalar, state: out.state } as unknown as tf.TensorContainerObject;
      }) as unknown as { sum: Scalar; state: CellState[] };
      tf.dispose([total, ...(state ?? []).flatMap((s) => [s.h, s.c])].filter((t) => t !== undefined));
      total = next.sum;
      state = next.state;
      // Let other work (a UI, an abort) run between segments.
      if (k % 16 === 15) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const nats = (await total.data())[0] as number;
    return { perplexity: Math.exp(nats / batches.tokens), tokens: batches.tokens, nats, log10Prob: -nats * Math.LOG10E };
  } finally {
    never.dispose();
    tf.dispose([total, ...(state ?? []).flatMap((s) => [s.h, s.c])].filter((t) => t !== undefined));
  }
}
