import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import { BOS_ID, createRng, PAD_ID, type RngState } from '@nlpkit/core';
import {
  constantLr,
  decodeCheckpoint,
  encodeCheckpoint,
  flattenParams,
  sgd,
  trainLoop,
  trainStep,
  unflattenParams,
  type LoopState,
  type LrSchedule,
  type Optimizer,
} from '@nlpkit/train';
import { checkStreamIds, type LmStream } from '../data/lmStream.js';
import { RnnOptionError } from '../errors.js';
import { checkKeys, checkNumber } from '../validate.js';
import { checkFixedWindowLmConfig, fixedWindowContexts, fixedWindowLmForward, initFixedWindowLm, type FixedWindowLmConfig, type FixedWindowLmParams } from './fixedWindowLm.js';
import { recurrentLmLoss } from './recurrentLm.js';
import type { TrainLmEvent } from './trainRecurrentLm.js';
import { loopControl } from './loopControl.js';

/** Options of {@link trainFixedWindowLm}. */
export interface TrainFixedWindowLmOptions {
  readonly config: FixedWindowLmConfig;
  readonly train: LmStream;
  readonly valid?: LmStream;
  /** Seeds the weights, the per-epoch shuffle of the windows and the dropout masks. */
  readonly seed: number;
  readonly initScale?: number;
  /** Windows per step. */
  readonly batchSize: number;
  readonly epochs: number;
  /** Default `sgd()`. The loss is the mean cross-entropy per predicted token. */
  readonly optimizer?: Optimizer;
  readonly lr: number | LrSchedule;
  readonly clipNorm?: number;
  /** Dropout on the hidden layer. */
  readonly dropout?: number;
  readonly logEvery?: number;
  readonly checkpointEvery?: number;
  readonly checkpoint?: (bytes: Uint8Array, position: LoopState, params: FixedWindowLmParams) => void | Promise<void>;
  readonly resume?: Uint8Array;
  readonly onEvent?: (event: TrainLmEvent) => void;
  readonly signal?: AbortSignal;
}

const KEYS = ['config', 'train', 'valid', 'seed', 'initScale', 'batchSize', 'epochs', 'optimizer', 'lr', 'clipNorm', 'dropout', 'logEvery', 'checkpointEvery', 'checkpoint', 'resume', 'onEvent', 'signal'] as const;

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
  const schedule: LrSchedule = typeof options.lr === 'function' ? options.lr : constantLr(checkNumber(options.lr, 'options.lr', 0, 1e6));
  const clip = options.clipNorm === undefined ? {} : { maxNorm: checkNumber(options.clipNorm, 'options.clipNorm', 0, Number.MAX_VALUE) };
  if (options.train === null || typeof options.train !== 'object' || !(options.train.targets instanceof Int32Array) || !(options.train.inputs instanceof Int32Array)) {
    throw new RnnOptionError({ argument: 'options.train', expected: 'an LmStream (from lmStream or lmStreamFromIds)', found: options.train });
  }
  checkStreamIds(options.train.targets, config.vocabSize, 'options.train.targets');
  checkStreamIds(options.train.inputs, config.vocabSize, 'options.train.inputs');
  const C = config.context;
  const contexts = fixedWindowContexts(options.train, C);
  const targets = options.train.targets;
  const n = targets.length;
  const perEpoch = Math.ceil(n / B);
  const optimizer = options.optimizer ?? sgd();
  const meta = { config: JSON.stringify(config), batchSize: String(B), model: 'fixed-window-lm' };

  const rng = createRng(seed);
  const p0 = initFixedWindowLm(config, rng, options.initScale);
  const flat0 = flattenParams(p0);
  const vars = Object.create(null) as Record<string, Variable>;
  for (const [name, t] of Object.entries(flat0)) vars[name] = tf.variable(t, true);
  tf.dispose(Object.values(flat0));
  const params = unflattenParams(p0, vars) as FixedWindowLmParams;
  const disposeAll = (): void => {
    tf.dispose(Object.values(vars));
    optimizer.dispose();
  };

  let resume: LoopState | undefined;
  if (options.resume !== undefined) {
    const ck = decodeCheckpoint(options.resume);
    try {
      for (const key of Object.keys(meta) as (keyof typeof meta)[]) {
        if (ck.meta?.[key] !== meta[key]) throw new RnnOptionError({ argument: `options.resume (${key})`, expected: `a checkpoint of this run (${meta[key]})`, found: ck.meta?.[key] ?? null });
      }
      if (ck.optimizerKind !== optimizer.kind) throw new RnnOptionError({ argument: 'options.resume (optimizer)', expected: `a ${optimizer.kind} checkpoint`, found: ck.optimizerKind });
      for (const [name, v] of Object.entries(vars)) v.assign(ck.params[name] as tf.Tensor);
      optimizer.loadState(ck.optimizer);
      rng.setState(ck.rng as RngState);
      resume = ck.loop as LoopState;
    } catch (error) {
      disposeAll();
      throw error;
    } finally {
      tf.dispose([...Object.values(ck.params), ...Object.values(ck.optimizer)]);
    }
  }

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

  let tokens = 0;
  let windowTokens = 0;
  let windowStart = performance.now();
  const started = performance.now();
  let validPerplexity: number | undefined;
  const emit = (e: TrainLmEvent): void => options.onEvent?.(e);
  const save = async (state: LoopState): Promise<void> => {
    if (options.checkpoint === undefined) return;
    const bytes = encodeCheckpoint({ params: vars, optimizer: optimizer.state(), optimizerKind: optimizer.kind, rng: rng.getState(), loop: state, meta });
    await options.checkpoint(bytes, { ...state }, params);
    emit({ type: 'checkpoint', epoch: state.epoch, step: state.step });
    windowStart = performance.now();
  };
  try {
    const result = await trainLoop({
      epochs,
      stepsPerEpoch: perEpoch,
      ...loopControl(options, resume),
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
        windowTokens += rows;
        return out;
      },
      evaluate: async (epoch) => {
        if (options.valid === undefined) {
          emit({ type: 'epoch', epoch, tokens, seconds: (performance.now() - started) / 1000 });
          return 0;
        }
        validPerplexity = (await evaluateFixedWindowLm(config, params, options.valid)).perplexity;
        emit({ type: 'epoch', epoch, validPerplexity, tokens, seconds: (performance.now() - started) / 1000 });
        windowStart = performance.now();
        windowTokens = 0;
        return validPerplexity;
      },
      onProgress: (e) => {
        if (e.type !== 'log') return;
        const now = performance.now();
        const elapsed = (now - windowStart) / 1000;
        emit({
          type: 'step', epoch: e.state.epoch, step: e.state.step, stepsPerEpoch: perEpoch, loss: e.loss, perplexity: Math.exp(e.loss), gradNorm: e.gradNorm,
          lr: schedule({ epoch: e.state.epoch, step: Math.max(0, e.state.step - 1) }), tokensPerSecond: elapsed > 0 ? windowTokens / elapsed : 0, tokens,
          seconds: (now - started) / 1000, skipped: e.state.skipped,
        });
        windowStart = now;
        windowTokens = 0;
      },
    });
    if (result.stopped === 'aborted') await save(result.state);
    return { config, params, stopped: result.stopped, position: result.state, ...(validPerplexity !== undefined ? { validPerplexity } : {}), dispose: disposeAll };
  } catch (error) {
    disposeAll();
    throw error;
  }
}
