import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import { createRng, type RngState } from '@nlpkit/core';
import {
  constantLr,
  encodeCheckpoint,
  flattenParams,
  sgd,
  trainLoop,
  trainStep,
  unflattenParams,
  type LoopState,
  type LrSchedule,
  type Optimizer,
  type StepResult,
} from '@nlpkit/train';
import { batchifyLmStream } from '../data/batchifyLmStream.js';
import { bpttSegment, bpttSegmentCount } from '../data/bpttSegment.js';
import { checkStreamIds, type LmStream } from '../data/lmStream.js';
import { RnnOptionError } from '../errors.js';
import type { CellState } from '../types.js';
import { checkKeys, checkNumber, checkOneOf } from '../validate.js';
import { evaluateRecurrentLmStream } from './evaluateRecurrentLmStream.js';
import { restoreCheckpoint } from './restoreCheckpoint.js';
import { checkRecurrentLmConfig, initRecurrentLm, recurrentLmForward, recurrentLmLoss, type RecurrentLmConfig, type RecurrentLmParams } from './recurrentLm.js';
import { loopControl } from './loopControl.js';

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

/** Options of {@link trainRecurrentLm}. */
export interface TrainRecurrentLmOptions {
  /** The model's shape. */
  readonly config: RecurrentLmConfig;
  /** Training stream (`lmStream(sentences, vocabulary)`). */
  readonly train: LmStream;
  /** Validation stream, evaluated after every epoch (reported as `validPerplexity`). */
  readonly valid?: LmStream;
  /** Seeds the initial weights and the dropout masks. */
  readonly seed: number;
  /** Initial weights U(±initScale) (Zaremba: 0.1); default: the cells' PyTorch initialisation. */
  readonly initScale?: number;
  /** Rows trained in parallel (Zaremba small: 20). */
  readonly batchSize: number;
  /** Time steps per segment (Zaremba small: 20, PyTorch: 35). */
  readonly bptt: number;
  /** Epochs in total, counting those before a resume. */
  readonly epochs: number;
  /** The loss reduction, stated because learning rates depend on it; see {@link LmLossConvention}. */
  readonly loss: LmLossConvention;
  /** Default `sgd()` from `@nlpkit/train`. */
  readonly optimizer?: Optimizer;
  /** A constant or a schedule, e.g. `zarembaLr(1, 4, 0.5)` from `@nlpkit/train`. */
  readonly lr: number | LrSchedule;
  /** Global gradient-norm clipping (Zaremba: 5). Default: none. */
  readonly clipNorm?: number;
  /** Zaremba-style dropout on the non-recurrent connections (embeddings, between layers, before the softmax). */
  readonly dropout?: number;
  /** Rows of the validation pass (default 10). */
  readonly evalBatchSize?: number;
  /** Report a `'step'` event (one device read) every this many steps. Default 50. */
  readonly logEvery?: number;
  /** Save a checkpoint every this many steps, besides after every epoch and on abort. */
  readonly checkpointEvery?: number;
  /**
   * Receives every checkpoint as bytes (write them with `writeCheckpointFile` from `@nlpkit/train/node`), with the
   * position and the parameters at that point (to write a model artifact after each epoch, say; do not keep them).
   */
  readonly checkpoint?: (bytes: Uint8Array, position: LoopState, params: RecurrentLmParams) => void | Promise<void>;
  /** Bytes of a checkpoint this function wrote: training continues exactly where it stopped. */
  readonly resume?: Uint8Array;
  /** Progress. */
  readonly onEvent?: (event: TrainLmEvent) => void;
  /** Stops between steps; a checkpoint is saved first (when `checkpoint` is given). */
  readonly signal?: AbortSignal;
  /** Free-form strings stored in every checkpoint. */
  readonly meta?: Readonly<Record<string, string>>;
}

/** What {@link trainRecurrentLm} reports. Losses are mean nats per token; `tokens` and `seconds` count from the first run. */
export type TrainLmEvent =
  | {
      readonly type: 'step';
      readonly epoch: number;
      /** Global step after this window. */
      readonly step: number;
      readonly stepsPerEpoch: number;
      readonly loss: number;
      /** `exp(loss)`, the training perplexity over the window. */
      readonly perplexity: number;
      readonly gradNorm: number;
      readonly lr: number;
      readonly tokensPerSecond: number;
      readonly tokens: number;
      readonly seconds: number;
      readonly skipped: number;
    }
  | { readonly type: 'epoch'; readonly epoch: number; readonly validPerplexity?: number; readonly tokens: number; readonly seconds: number }
  | { readonly type: 'checkpoint'; readonly epoch: number; readonly step: number };

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

const KEYS = [
  'config', 'train', 'valid', 'seed', 'initScale', 'batchSize', 'bptt', 'epochs', 'loss', 'optimizer', 'lr', 'clipNorm',
  'dropout', 'evalBatchSize', 'logEvery', 'checkpointEvery', 'checkpoint', 'resume', 'onEvent', 'signal', 'meta',
] as const;

/** What training keeps in a checkpoint's `loop` besides trainLoop's own state. */
interface LmLoopState extends LoopState {
  tokens: number;
  seconds: number;
}

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
  const clip = options.clipNorm === undefined ? {} : { maxNorm: checkNumber(options.clipNorm, 'options.clipNorm', 0, Number.MAX_VALUE) };
  checkNumber(options.seed, 'options.seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  const schedule: LrSchedule = typeof options.lr === 'function' ? options.lr : constantLr(checkNumber(options.lr, 'options.lr', 0, 1e6));
  if (options.train === null || typeof options.train !== 'object' || !(options.train.targets instanceof Int32Array) || !(options.train.inputs instanceof Int32Array)) {
    throw new RnnOptionError({ argument: 'options.train', expected: 'an LmStream (from lmStream or lmStreamFromIds)', found: options.train });
  }
  checkStreamIds(options.train.targets, config.vocabSize, 'options.train.targets');
  checkStreamIds(options.train.inputs, config.vocabSize, 'options.train.inputs');
  if (options.valid !== undefined) checkStreamIds(options.valid.targets, config.vocabSize, 'options.valid.targets');
  const batches = batchifyLmStream(options.train, B);
  const perEpoch = bpttSegmentCount(batches, bptt);
  const optimizer = options.optimizer ?? sgd();
  const meta: Record<string, string> = {
    ...(options.meta ?? {}),
    config: JSON.stringify(config),
    loss: convention,
    batchSize: String(B),
    bptt: String(bptt),
    stepsPerEpoch: String(perEpoch),
  };

  const rng = createRng(options.seed);
  const p0 = initRecurrentLm(config, rng, options.initScale);
  const flat0 = flattenParams(p0);
  const vars = Object.create(null) as Record<string, Variable>;
  for (const [name, t] of Object.entries(flat0)) vars[name] = tf.variable(t, true);
  tf.dispose(Object.values(flat0));
  const params = unflattenParams(p0, vars) as RecurrentLmParams;
  const disposeAll = (): void => {
    tf.dispose(Object.values(vars));
    optimizer.dispose();
  };

  let carry: CellState[] | undefined;
  const dropCarry = (): void => {
    if (carry !== undefined) tf.dispose(carry.flatMap((s) => (s.c === undefined ? [s.h] : [s.h, s.c])));
    carry = undefined;
  };
  let resume: LmLoopState | undefined;
  try {
    if (options.resume !== undefined) {
      const r = restore(options.resume, vars, optimizer, meta);
      rng.setState(r.rng);
      carry = r.carry;
      resume = r.loop;
    }
  } catch (error) {
    disposeAll();
    throw error;
  }

  let tokens = resume?.tokens ?? 0;
  const secondsBefore = resume?.seconds ?? 0;
  const started = performance.now();
  const seconds = (): number => secondsBefore + (performance.now() - started) / 1000;
  let windowTokens = 0;
  let windowStart = performance.now();
  let validPerplexity: number | undefined;
  const emit = (e: TrainLmEvent): void => options.onEvent?.(e);

  const save = async (state: LoopState): Promise<void> => {
    if (options.checkpoint === undefined) return;
    const buffers: Record<string, Tensor> = {};
    carry?.forEach((s, k) => {
      buffers[`carry.${k}.h`] = s.h;
      if (s.c !== undefined) buffers[`carry.${k}.c`] = s.c;
    });
    const loop: LmLoopState = { ...state, tokens, seconds: seconds() };
    const bytes = encodeCheckpoint({ params: vars, optimizer: optimizer.state(), buffers, optimizerKind: optimizer.kind, rng: rng.getState(), loop, meta });
    await options.checkpoint(bytes, { ...state }, params);
    emit({ type: 'checkpoint', epoch: state.epoch, step: state.step });
    // The loop reported the steps before this checkpoint; time spent saving is not training time.
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
        windowTokens += seg.tokens;
        return convention === 'sumOverTime' ? perTokenResult(r, seg.steps) : r;
      },
      evaluate: async (epoch) => {
        if (options.valid === undefined) {
          emit({ type: 'epoch', epoch, tokens, seconds: seconds() });
          return 0;
        }
        const v = await evaluateRecurrentLmStream(config, params, options.valid, { batchSize: options.evalBatchSize ?? 10, bptt });
        validPerplexity = v.perplexity;
        emit({ type: 'epoch', epoch, validPerplexity: v.perplexity, tokens, seconds: seconds() });
        windowStart = performance.now();
        windowTokens = 0;
        return v.perplexity;
      },
      onProgress: (e) => {
        if (e.type !== 'log') return;
        const now = performance.now();
        const elapsed = (now - windowStart) / 1000;
        emit({
          type: 'step',
          epoch: e.state.epoch,
          step: e.state.step,
          stepsPerEpoch: perEpoch,
          loss: e.loss,
          perplexity: Math.exp(e.loss),
          gradNorm: e.gradNorm,
          lr: schedule({ epoch: e.state.epoch, step: Math.max(0, e.state.step - 1) }),
          tokensPerSecond: elapsed > 0 ? windowTokens / elapsed : 0,
          tokens,
          seconds: seconds(),
          skipped: e.state.skipped,
        });
        windowStart = now;
        windowTokens = 0;
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
      dispose: disposeAll,
    };
  } catch (error) {
    dropCarry();
    disposeAll();
    throw error;
  }
}

/** Loads a checkpoint written by {@link trainRecurrentLm} into `vars` and `optimizer`; refuses one of another run. */
function restore(
  bytes: Uint8Array,
  vars: Record<string, Variable>,
  optimizer: Optimizer,
  meta: Record<string, string>,
): { rng: RngState; carry: CellState[] | undefined; loop: LmLoopState } {
  return restoreCheckpoint(bytes, vars, optimizer, meta, ['config', 'loss', 'batchSize', 'bptt', 'stepsPerEpoch'], (ck) => {
    let carry: CellState[] | undefined;
    const b = ck.buffers ?? {};
    for (let k = 0; b[`carry.${k}.h`] !== undefined; k++) {
      carry ??= [];
      const c = b[`carry.${k}.c`];
      carry.push({ h: tf.clone(b[`carry.${k}.h`] as Tensor2D), ...(c !== undefined ? { c: tf.clone(c as Tensor2D) } : {}) });
    }
    const loop = ck.loop as LmLoopState;
    return { rng: ck.rng as RngState, carry, loop: { ...loop, tokens: Number(loop?.tokens) || 0, seconds: Number(loop?.seconds) || 0 } };
  });
}
