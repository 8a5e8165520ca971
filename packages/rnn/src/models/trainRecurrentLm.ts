import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import {
  sgd,
  TRAINER_COMMON_KEYS,
  trainerLoopOptions,
  trainerSession,
  trainerStepEvent,
  trainLoop,
  trainStep,
  type LoopState,
  type LrSchedule,
  type StepResult,
  type TrainerCheckpointEvent,
  type TrainerCommonOptions,
  type TrainerStepEvent,
} from '@nlpkit/train';
import { batchifyLmStream } from '../data/batchifyLmStream.js';
import { bpttSegment, bpttSegmentCount } from '../data/bpttSegment.js';
import type { LmStream } from '../data/lmStream.js';
import type { CellState } from '../types.js';
import { checkKeys, checkNumber, checkOneOf } from '../validate.js';
import { evaluateRecurrentLmStream } from './evaluateRecurrentLmStream.js';
import { checkRecurrentLmConfig, initRecurrentLm, recurrentLmForward, recurrentLmLoss, type RecurrentLmConfig, type RecurrentLmParams } from './recurrentLm.js';
import { checkLmTrainingStreams, trainerClip, trainerSchedule } from './trainerCommon.js';

/**
 * How a segment's loss is reduced before its gradient is taken — it sets the scale of the gradient, so published
 * learning rates and clipping norms only work with the convention they were published with:
 * - `'sumOverTime'`: summed over the segment's time steps, averaged over the batch (Zaremba et al. 2014: lr 1,
 *   clip 5);
 * - `'perToken'`: averaged over every token of the segment (PyTorch's word_language_model: lr 20, clip 0.25).
 *
 * Reported losses are per token either way.
 */
export type LmLossConvention = 'sumOverTime' | 'perToken';

/** Options of {@link trainRecurrentLm} (the common ones of `@nlpkit/train`'s `TrainerCommonOptions`, and these). */
export interface TrainRecurrentLmOptions extends TrainerCommonOptions<TrainLmEvent, RecurrentLmParams> {
  /** The model's shape. */
  readonly config: RecurrentLmConfig;
  /** Training stream (`lmStream(sentences, vocabulary)`). */
  readonly train: LmStream;
  /** Validation stream, evaluated after every epoch (reported as `validPerplexity`). */
  readonly valid?: LmStream;
  /** Initial weights U(±initScale) (Zaremba: 0.1); default: the cells' PyTorch initialisation. */
  readonly initScale?: number;
  /** Rows trained in parallel (Zaremba small: 20). */
  readonly batchSize: number;
  /** Time steps per segment (Zaremba small: 20, PyTorch: 35). */
  readonly bptt: number;
  /** The loss reduction, stated because learning rates depend on it; see {@link LmLossConvention}. */
  readonly loss: LmLossConvention;
  /** A constant or a schedule, e.g. `zarembaLr(1, 4, 0.5)` from `@nlpkit/train`. Optimizer default: `sgd()`. */
  readonly lr: number | LrSchedule;
  /** Zaremba-style dropout on the non-recurrent connections (embeddings, between layers, before the softmax). */
  readonly dropout?: number;
  /** Rows of the validation pass (default 10). */
  readonly evalBatchSize?: number;
}

/** What {@link trainRecurrentLm} reports. Losses are mean nats per token; `tokens` and `seconds` count from the first run. */
export type TrainLmEvent =
  | (TrainerStepEvent & {
      /** `exp(loss)`, the training perplexity over the window. */
      readonly perplexity: number;
      readonly tokensPerSecond: number;
      readonly tokens: number;
    })
  | { readonly type: 'epoch'; readonly epoch: number; readonly validPerplexity?: number; readonly tokens: number; readonly seconds: number }
  | TrainerCheckpointEvent;

/** How {@link trainRecurrentLm} ended, with the trained parameters (tf Variables the caller now owns). */
export interface TrainRecurrentLmResult {
  readonly config: RecurrentLmConfig;
  readonly params: RecurrentLmParams;
  readonly stopped: 'completed' | 'aborted' | 'early-stopped';
  readonly position: LoopState;
  /** Validation perplexity after the last epoch run (absent without `valid`). */
  readonly validPerplexity?: number;
  /** Frees the parameters and the optimizer state. */
  dispose(): void;
}

const KEYS = [...TRAINER_COMMON_KEYS, 'config', 'train', 'valid', 'initScale', 'batchSize', 'bptt', 'loss', 'dropout', 'evalBatchSize'] as const;

/** A StepResult whose loss is divided by `steps` (per-token reporting of a `'sumOverTime'` loss). */
function perTokenResult(r: StepResult, steps: number): StepResult {
  if (steps === 1) return r;
  const loss = tf.tidy(() => tf.div(r.loss, steps)) as Scalar;
  r.loss.dispose();
  return {
    loss,
    gradNorm: r.gradNorm,
    skipped: r.skipped,
    async read() {
      const packed = tf.tidy(() => tf.stack([loss, r.gradNorm, tf.cast(r.skipped, 'float32')]));
      try {
        const [l, n, s] = await packed.data();
        return { loss: l as number, gradNorm: n as number, skipped: s === 1 };
      } finally {
        tf.dispose([packed, loss, r.gradNorm, r.skipped]);
      }
    },
    dispose: () => tf.dispose([loss, r.gradNorm, r.skipped]),
  };
}

/**
 * Trains a recurrent LM on a token stream with truncated BPTT: the stream laid out as `[batchSize, columns]`,
 * segments of `bptt` steps read in order, each row's state carried (detached) from one segment into the next and
 * reset at every epoch start; the optimizer, schedule and clipping of `@nlpkit/train`, with the loss reduction
 * stated (`loss`); Zaremba-style dropout from a seeded generator; validation perplexity after each epoch; exact
 * resume from a checkpoint, which holds the parameters, the optimizer state, the position, the generator state
 * and the carried state. Nothing is read back from the device between `logEvery` windows.
 *
 * @example
 * const r = await trainRecurrentLm({
 *   config: { vocabSize: vocabulary.size, embeddingSize: 200, hiddenSize: 200, layers: 2 },
 *   train: lmStream(trainSentences, vocabulary), valid: lmStream(validSentences, vocabulary),
 *   seed: 1, initScale: 0.1, batchSize: 20, bptt: 20, epochs: 13, loss: 'sumOverTime',
 *   lr: zarembaLr(1, 4, 0.5), clipNorm: 5, onEvent: (e) => console.error(e),
 * });
 * const lm = recurrentLanguageModel({ config: r.config, params: r.params, vocabulary });
 */
export async function trainRecurrentLm(options: TrainRecurrentLmOptions): Promise<TrainRecurrentLmResult> {
  checkKeys(options, 'options', KEYS);
  const config = checkRecurrentLmConfig(options.config, 'options.config');
  const convention = checkOneOf(options.loss, 'options.loss', ['sumOverTime', 'perToken']);
  const B = checkNumber(options.batchSize, 'options.batchSize', 1, 1 << 16, true);
  const bptt = checkNumber(options.bptt, 'options.bptt', 1, 1 << 16, true);
  const epochs = checkNumber(options.epochs, 'options.epochs', 0, 1e6, true);
  const dropout = checkNumber(options.dropout ?? 0, 'options.dropout', 0, 0.99);
  const clip = trainerClip(options.clipNorm);
  checkNumber(options.seed, 'options.seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  const schedule = trainerSchedule(options.lr);
  checkLmTrainingStreams(options.train, options.valid, config.vocabSize);
  const batches = batchifyLmStream(options.train, B);
  const perEpoch = bpttSegmentCount(batches, bptt);
  const meta: Record<string, string> = {
    ...(options.meta ?? {}),
    config: JSON.stringify(config),
    loss: convention,
    batchSize: String(B),
    bptt: String(bptt),
    stepsPerEpoch: String(perEpoch),
  };

  const rng = createRng(options.seed);
  const session = trainerSession({
    init: initRecurrentLm(config, rng, options.initScale),
    optimizer: options.optimizer ?? sgd(),
    rng,
    meta,
    runKeys: ['config', 'loss', 'batchSize', 'bptt', 'stepsPerEpoch'],
    resume: options.resume,
  });
  const { vars, params, optimizer } = session;
  let carry = carryFromBuffers(session.buffers);
  const dropCarry = (): void => {
    if (carry !== undefined) tf.dispose(carry.flatMap((s) => (s.c === undefined ? [s.h] : [s.h, s.c])));
    carry = undefined;
  };
  let tokens = Number(session.resumed?.['tokens']) || 0;
  let validPerplexity: number | undefined;
  const emit = (e: TrainLmEvent): void => options.onEvent?.(e);
  const save = (state: LoopState): Promise<void> => session.save(options, state, { tokens }, carryBuffers(carry));

  try {
    const result = await trainLoop({
      epochs,
      stepsPerEpoch: perEpoch,
      ...trainerLoopOptions(options, session.resumed),
      checkpoint: save,
      step: ({ epoch, step }) => {
        const k = step - epoch * perEpoch;
        if (k === 0) dropCarry();
        const seg = bpttSegment(batches, k, bptt);
        const x = tf.tensor2d(seg.inputs, [seg.batchSize, seg.steps], 'int32') as Tensor2D;
        const y = tf.tensor2d(seg.targets, [seg.batchSize, seg.steps], 'int32') as Tensor2D;
        let next: CellState[] | undefined;
        const prev = carry;
        const r = trainStep(
          vars,
          () => {
            const out = recurrentLmForward(config, params, x, {
              ...(prev !== undefined ? { state: prev } : {}),
              ...(dropout > 0 ? { dropout, training: true, rng } : {}),
            });
            // Kept past trainStep's tidy: the next segment starts from these values, as constants (detached).
            next = out.state.map((s) => (s.c === undefined ? { h: tf.keep(s.h) } : { h: tf.keep(s.h), c: tf.keep(s.c) }));
            const mean = recurrentLmLoss(out.logits, y);
            return convention === 'sumOverTime' ? tf.mul(mean, seg.steps) : mean;
          },
          optimizer,
          schedule({ epoch, step }),
          clip,
        );
        tf.dispose([x, y]);
        dropCarry();
        carry = next;
        tokens += seg.tokens;
        session.count(seg.tokens);
        return convention === 'sumOverTime' ? perTokenResult(r, seg.steps) : r;
      },
      evaluate: async (epoch) => {
        if (options.valid === undefined) {
          emit({ type: 'epoch', epoch, tokens, seconds: session.seconds() });
          return 0;
        }
        const v = await evaluateRecurrentLmStream(config, params, options.valid, { batchSize: options.evalBatchSize ?? 10, bptt });
        validPerplexity = v.perplexity;
        emit({ type: 'epoch', epoch, validPerplexity: v.perplexity, tokens, seconds: session.seconds() });
        session.restartWindow();
        return v.perplexity;
      },
      onProgress: (e) => {
        if (e.type !== 'log') return;
        emit({
          ...trainerStepEvent(e, perEpoch, schedule, session.seconds()),
          perplexity: Math.exp(e.loss),
          tokensPerSecond: session.windowRate(),
          tokens,
        });
      },
    });
    if (result.stopped === 'aborted') await save(result.state);
    dropCarry();
    // Resumed from the checkpoint after the last epoch: no epoch ran here, so the validation score is measured now.
    if (result.stopped === 'completed' && validPerplexity === undefined && options.valid !== undefined) {
      validPerplexity = (await evaluateRecurrentLmStream(config, params, options.valid, { batchSize: options.evalBatchSize ?? 10, bptt })).perplexity;
    }
    return {
      config,
      params,
      stopped: result.stopped,
      position: result.state,
      ...(validPerplexity !== undefined ? { validPerplexity } : {}),
      dispose: session.dispose,
    };
  } catch (error) {
    dropCarry();
    session.dispose();
    throw error;
  }
}

/** The carried state as checkpoint buffers (`carry.<layer>.h`, `.c`). */
function carryBuffers(carry: readonly CellState[] | undefined): Record<string, Tensor> {
  const buffers: Record<string, Tensor> = {};
  carry?.forEach((s, k) => {
    buffers[`carry.${k}.h`] = s.h;
    if (s.c !== undefined) buffers[`carry.${k}.c`] = s.c;
  });
  return buffers;
}

/** The carried state of a resumed checkpoint's buffers (taken over), or undefined at an epoch start. */
function carryFromBuffers(buffers: Readonly<Record<string, Tensor>>): CellState[] | undefined {
  let carry: CellState[] | undefined;
  for (let k = 0; buffers[`carry.${k}.h`] !== undefined; k++) {
    carry ??= [];
    const c = buffers[`carry.${k}.c`] as Tensor2D | undefined;
    carry.push({ h: buffers[`carry.${k}.h`] as Tensor2D, ...(c !== undefined ? { c } : {}) });
  }
  return carry;
}
