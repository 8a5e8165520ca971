import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor2D } from '@tensorflow/tfjs-core';
import { BOS_ID, createRng, PAD_ID } from '@nlpkit/core';
import { sgd, TRAINER_COMMON_KEYS, trainerLoopOptions, trainerSession, trainerStepEvent, trainLoop, trainStep, type LoopState, type LrSchedule, type TrainerCommonOptions } from '@nlpkit/train';
import { checkStreamIds, type LmStream } from '../data/lmStream.js';
import { checkKeys, checkNumber } from '../validate.js';
import { checkFixedWindowLmConfig, fixedWindowContexts, fixedWindowLmForward, initFixedWindowLm, type FixedWindowLmConfig, type FixedWindowLmParams } from './fixedWindowLm.js';
import { recurrentLmLoss } from './recurrentLm.js';
import type { TrainLmEvent } from './trainRecurrentLm.js';
import { checkLmTrainingStreams, trainerClip, trainerSchedule } from './trainerCommon.js';

/** Options of {@link trainFixedWindowLm} (the common ones of `@nlpkit/train`'s `TrainerCommonOptions`, and these). */
export interface TrainFixedWindowLmOptions extends TrainerCommonOptions<TrainLmEvent, FixedWindowLmParams> {
  readonly config: FixedWindowLmConfig;
  readonly train: LmStream;
  readonly valid?: LmStream;
  readonly initScale?: number;
  /** Windows per step. */
  readonly batchSize: number;
  /** A constant or a schedule; the optimizer's default is `sgd()`. The loss is the mean cross-entropy per predicted token. */
  readonly lr: number | LrSchedule;
  /** Dropout on the hidden layer. */
  readonly dropout?: number;
}

const KEYS = [...TRAINER_COMMON_KEYS, 'config', 'train', 'valid', 'initScale', 'batchSize', 'dropout'] as const;

/**
 * Perplexity of a fixed-window LM over a stream (every prediction scored once, windows within sentences as the
 * model was trained; `<pad>` and `<s>` never predicted, as the `LanguageModel` contract says). One read at the end.
 */
export async function evaluateFixedWindowLm(
  config: FixedWindowLmConfig,
  params: FixedWindowLmParams,
  stream: LmStream,
  options: { readonly batchSize?: number } = {},
): Promise<{ perplexity: number; tokens: number; nats: number }> {
  checkKeys(options, 'options', ['batchSize']);
  checkFixedWindowLmConfig(config);
  const B = checkNumber(options.batchSize ?? 512, 'options.batchSize', 1, 1 << 20, true);
  checkStreamIds(stream.targets, config.vocabSize, 'stream.targets');
  checkStreamIds(stream.inputs, config.vocabSize, 'stream.inputs');
  const C = config.context;
  const contexts = fixedWindowContexts(stream, C);
  const n = stream.targets.length;
  const excluded = new Float32Array(config.vocabSize);
  for (const id of [PAD_ID, BOS_ID]) if (id < config.vocabSize) excluded[id] = -1e9;
  const never = tf.tensor1d(excluded);
  let total: Scalar = tf.scalar(0);
  try {
    for (let at = 0; at < n; at += B) {
      const rows = Math.min(B, n - at);
      const next = tf.tidy(() => {
        const x = tf.tensor2d(contexts.subarray(at * C, (at + rows) * C), [rows, C], 'int32') as Tensor2D;
        const y = tf.tensor2d(stream.targets.subarray(at, at + rows), [rows, 1], 'int32') as Tensor2D;
        const logits = tf.add(fixedWindowLmForward(config, params, x), never) as Tensor2D;
        return tf.add(total, tf.mul(recurrentLmLoss(logits, y), rows)) as Scalar;
      });
      total.dispose();
      total = next;
      if ((at / B) % 16 === 15) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const nats = (await total.data())[0] as number;
    return { perplexity: Math.exp(nats / n), tokens: n, nats };
  } finally {
    tf.dispose([total, never]);
  }
}

/**
 * Trains a fixed-window neural LM (Bengio et al. 2003) on a token stream: every prediction with its sentence-bounded
 * window of `context` previous tokens, windows shuffled anew each epoch from the seed (the batch of a step is a
 * function of its position, so resumes are exact), mean cross-entropy per token, the optimizer, schedule and
 * clipping of `@nlpkit/train`, dropout on the hidden layer, validation perplexity after each epoch, checkpoints
 * (parameters, optimizer state, position, RNG) that resume exactly. The baseline beside `trainRecurrentLm`; events
 * have the same shape.
 */
export async function trainFixedWindowLm(options: TrainFixedWindowLmOptions): Promise<{
  readonly config: FixedWindowLmConfig;
  readonly params: FixedWindowLmParams;
  readonly stopped: 'completed' | 'aborted' | 'early-stopped';
  readonly position: LoopState;
  readonly validPerplexity?: number;
  dispose(): void;
}> {
  checkKeys(options, 'options', KEYS);
  const config = checkFixedWindowLmConfig(options.config, 'options.config');
  const B = checkNumber(options.batchSize, 'options.batchSize', 1, 1 << 20, true);
  const epochs = checkNumber(options.epochs, 'options.epochs', 0, 1e6, true);
  const dropout = checkNumber(options.dropout ?? 0, 'options.dropout', 0, 0.99);
  const seed = checkNumber(options.seed, 'options.seed', 0, 2 ** 31, true);
  const schedule = trainerSchedule(options.lr);
  const clip = trainerClip(options.clipNorm);
  checkLmTrainingStreams(options.train, options.valid, config.vocabSize);
  const C = config.context;
  const contexts = fixedWindowContexts(options.train, C);
  const targets = options.train.targets;
  const n = targets.length;
  const perEpoch = Math.ceil(n / B);
  const meta = { ...(options.meta ?? {}), config: JSON.stringify(config), batchSize: String(B), model: 'fixed-window-lm' };

  const rng = createRng(seed);
  const session = trainerSession({
    init: initFixedWindowLm(config, rng, options.initScale),
    optimizer: options.optimizer ?? sgd(),
    rng,
    meta,
    runKeys: ['config', 'batchSize', 'model'],
    resume: options.resume,
  });
  const { vars, params, optimizer } = session;

  /** The window order of an epoch: a shuffle seeded by the run's seed and the epoch alone. */
  let order: { epoch: number; perm: Int32Array } | undefined;
  const permutation = (epoch: number): Int32Array => {
    if (order?.epoch !== epoch) {
      const perm = Int32Array.from({ length: n }, (_, i) => i);
      const r = createRng(seed * 7919 + epoch + 1);
      for (let i = n - 1; i > 0; i--) {
        const j = r.int(i + 1);
        [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
      }
      order = { epoch, perm };
    }
    return order.perm;
  };

  let tokens = Number(session.resumed?.['tokens']) || 0;
  let validPerplexity: number | undefined;
  const emit = (e: TrainLmEvent): void => options.onEvent?.(e);
  const save = (state: LoopState): Promise<void> => session.save(options, state, { tokens });
  try {
    const result = await trainLoop({
      epochs,
      stepsPerEpoch: perEpoch,
      ...trainerLoopOptions(options, session.resumed),
      checkpoint: save,
      step: ({ epoch, step }) => {
        const k = step - epoch * perEpoch;
        const perm = permutation(epoch);
        const rows = Math.min(B, n - k * B);
        const x = new Int32Array(rows * C);
        const y = new Int32Array(rows);
        for (let r = 0; r < rows; r++) {
          const i = perm[k * B + r] as number;
          x.set(contexts.subarray(i * C, i * C + C), r * C);
          y[r] = targets[i] as number;
        }
        const xs = tf.tensor2d(x, [rows, C], 'int32') as Tensor2D;
        const ys = tf.tensor2d(y, [rows, 1], 'int32') as Tensor2D;
        const out = trainStep(
          vars,
          () => recurrentLmLoss(fixedWindowLmForward(config, params, xs, dropout > 0 ? { dropout, training: true, rng } : {}), ys),
          optimizer,
          schedule({ epoch, step }),
          clip,
        );
        tf.dispose([xs, ys]);
        tokens += rows;
        session.count(rows);
        return out;
      },
      evaluate: async (epoch) => {
        if (options.valid === undefined) {
          emit({ type: 'epoch', epoch, tokens, seconds: session.seconds() });
          return 0;
        }
        validPerplexity = (await evaluateFixedWindowLm(config, params, options.valid)).perplexity;
        emit({ type: 'epoch', epoch, validPerplexity, tokens, seconds: session.seconds() });
        session.restartWindow();
        return validPerplexity;
      },
      onProgress: (e) => {
        if (e.type !== 'log') return;
        emit({ ...trainerStepEvent(e, perEpoch, schedule, session.seconds()), perplexity: Math.exp(e.loss), tokensPerSecond: session.windowRate(), tokens });
      },
    });
    if (result.stopped === 'aborted') await save(result.state);
    return { config, params, stopped: result.stopped, position: result.state, ...(validPerplexity !== undefined ? { validPerplexity } : {}), dispose: session.dispose };
  } catch (error) {
    session.dispose();
    throw error;
  }
}
