import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Variable } from '@tensorflow/tfjs-core';
import { createRng, EmptyInputError, type RngState } from '@nlpkit/core';
import { adam, constantLr, crossEntropy, encodeCheckpoint, trainLoop, trainStep, type LoopState, type LrSchedule, type Optimizer } from '@nlpkit/train';
import { PKG, RnnOptionError, RnnShapeError } from '../errors.js';
import { restoreCheckpoint } from '../models/restoreCheckpoint.js';
import { checkKeys, checkNumber } from '../validate.js';
import { classifierBatches } from './classifierBatches.js';
import type { ClassificationExamples } from './classificationTsv.js';
import { evaluateTextClassifier, padRows, type TextClassifierEvaluation } from './evaluateTextClassifier.js';
import { initTextClassifier, type TextClassifierParams } from './initTextClassifier.js';
import { checkTextClassifierConfig, type TextClassifierConfig } from './textClassifierConfig.js';
import { textClassifierLogits } from './textClassifierLogits.js';
import { loopControl } from '../models/loopControl.js';

/** Options of {@link trainTextClassifier}. */
export interface TrainTextClassifierOptions {
  readonly config: TextClassifierConfig;
  /** Token ids and label indices (`encodeClassificationExamples`). */
  readonly train: ClassificationExamples;
  /** Evaluated after every epoch (accuracy, macro-F1). */
  readonly valid?: ClassificationExamples;
  /** Seeds the weights, the shuffling and the dropout masks. */
  readonly seed: number;
  readonly batchSize: number;
  /** Epochs in total, counting those before a resume. */
  readonly epochs: number;
  /** Default `adam()` from `@nlpkit/train`. */
  readonly optimizer?: Optimizer;
  /** A constant or a schedule from `@nlpkit/train`. */
  readonly lr: number | LrSchedule;
  /** Global gradient-norm clipping. Default: none. */
  readonly clipNorm?: number;
  /** Dropout on the features (see `textClassifierLogits`). Default 0. */
  readonly dropout?: number;
  /** DAN word dropout. Default 0. */
  readonly wordDropout?: number;
  /** Initial embeddings U(±embeddingScale). Default 0.1. */
  readonly embeddingScale?: number;
  /** Length bucketing (see `classifierBatches`). Default 50. */
  readonly bucketBatches?: number;
  /** Stop after this many epochs without a better validation accuracy. Default: never. */
  readonly patience?: number;
  readonly evalBatchSize?: number;
  /** Report a `'step'` event (one device read) every this many steps. Default 50. */
  readonly logEvery?: number;
  /** Save a checkpoint every this many steps, besides after every epoch and on abort. */
  readonly checkpointEvery?: number;
  /** Receives every checkpoint as bytes, with the position and the parameters at that point (do not keep them). */
  readonly checkpoint?: (bytes: Uint8Array, position: LoopState, params: TextClassifierParams) => void | Promise<void>;
  /** Bytes of a checkpoint this function wrote: training continues exactly where it stopped. */
  readonly resume?: Uint8Array;
  readonly onEvent?: (event: TrainClassifierEvent) => void;
  /** Stops between steps; a checkpoint is saved first (when `checkpoint` is given). */
  readonly signal?: AbortSignal;
  /** Free-form strings stored in every checkpoint. */
  readonly meta?: Readonly<Record<string, string>>;
}

/** What {@link trainTextClassifier} reports. Losses are mean nats per example; `seconds` count from the first run. */
export type TrainClassifierEvent =
  | {
      readonly type: 'step';
      readonly epoch: number;
      readonly step: number;
      readonly stepsPerEpoch: number;
      readonly loss: number;
      readonly gradNorm: number;
      readonly lr: number;
      readonly examplesPerSecond: number;
      readonly seconds: number;
      readonly skipped: number;
    }
  | { readonly type: 'epoch'; readonly epoch: number; readonly validAccuracy?: number; readonly validMacroF1?: number; readonly seconds: number }
  | { readonly type: 'checkpoint'; readonly epoch: number; readonly step: number };

/** How {@link trainTextClassifier} ended, with the trained parameters (tf Variables the caller now owns). */
export interface TrainTextClassifierResult {
  readonly config: TextClassifierConfig;
  readonly params: TextClassifierParams;
  readonly stopped: 'completed' | 'aborted' | 'early-stopped';
  readonly position: LoopState;
  /** Validation scores after the last epoch run (absent without `valid`). */
  readonly valid?: TextClassifierEvaluation;
  /** Frees the parameters and the optimizer state. */
  dispose(): void;
}

const KEYS = [
  'config', 'train', 'valid', 'seed', 'batchSize', 'epochs', 'optimizer', 'lr', 'clipNorm', 'dropout', 'wordDropout', 'embeddingScale', 'bucketBatches',
  'patience', 'evalBatchSize', 'logEvery', 'checkpointEvery', 'checkpoint', 'resume', 'onEvent', 'signal', 'meta',
] as const;

function checkExamples(data: ClassificationExamples, config: TextClassifierConfig, argument: string): void {
  if (data === null || typeof data !== 'object' || !Array.isArray(data.ids) || !Array.isArray(data.labels)) {
    throw new RnnOptionError({ argument, expected: '{ ids, labels } (encodeClassificationExamples)', found: data });
  }
  if (data.ids.length === 0) throw new EmptyInputError({ package: PKG, argument, expected: 'at least one example' });
  if (data.ids.length !== data.labels.length) {
    throw new RnnShapeError({ argument: `${argument}.labels`, expected: `one label per example (${data.ids.length})`, found: data.labels.length });
  }
  data.labels.forEach((l, i) => checkNumber(l, `${argument}.labels[${i}]`, 0, config.numLabels - 1, true));
  data.ids.forEach((row, i) => {
    if (!Array.isArray(row) || row.length === 0) throw new RnnShapeError({ argument: `${argument}.ids[${i}]`, expected: 'a non-empty array of token ids', found: row });
    row.forEach((id, t) => checkNumber(id, `${argument}.ids[${i}][${t}]`, 0, config.vocabSize - 1, true));
  });
}

/**
 * Trains a text classifier with `@nlpkit/train`'s loop: each epoch the examples are shuffled (seeded by `seed` and
 * the epoch) into length-bucketed, right-padded batches; the loss is the mean cross-entropy over a batch; dropout
 * masks come from a seeded generator; accuracy and macro-F1 on `valid` after each epoch; exact resume from a
 * checkpoint (parameters, optimizer state, position, generator state). Nothing is read back from the device
 * between `logEvery` windows.
 *
 * @example
 * const r = await trainTextClassifier({
 *   config: { kind: 'dan', vocabSize: vocabulary.size, numLabels: 2, embeddingSize: 300, hiddenSizes: [300, 300] },
 *   train, valid, seed: 1, batchSize: 64, epochs: 5, lr: 1e-3, wordDropout: 0.3,
 * });
 */
export async function trainTextClassifier(options: TrainTextClassifierOptions): Promise<TrainTextClassifierResult> {
  checkKeys(options, 'options', KEYS);
  const config = checkTextClassifierConfig(options.config, 'options.config');
  const B = checkNumber(options.batchSize, 'options.batchSize', 1, 1 << 16, true);
  const epochs = checkNumber(options.epochs, 'options.epochs', 0, 1e6, true);
  const seed = checkNumber(options.seed, 'options.seed', 0, Number.MAX_SAFE_INTEGER, true);
  const dropout = checkNumber(options.dropout ?? 0, 'options.dropout', 0, 0.99);
  const wordDropout = checkNumber(options.wordDropout ?? 0, 'options.wordDropout', 0, 0.99);
  const clip = options.clipNorm === undefined ? {} : { maxNorm: checkNumber(options.clipNorm, 'options.clipNorm', 0, Number.MAX_VALUE) };
  const schedule: LrSchedule = typeof options.lr === 'function' ? options.lr : constantLr(checkNumber(options.lr, 'options.lr', 0, 1e6));
  if (options.patience !== undefined && options.valid === undefined) {
    throw new RnnOptionError({ argument: 'options.patience', expected: 'absent without options.valid (early stopping watches validation accuracy)', found: options.patience });
  }
  checkExamples(options.train, config, 'options.train');
  if (options.valid !== undefined) checkExamples(options.valid, config, 'options.valid');
  const train = options.train;
  const lengths = train.ids.map((r) => r.length);
  const bucket = options.bucketBatches ?? 50;
  const perEpoch = Math.ceil(train.ids.length / B);
  const optimizer = options.optimizer ?? adam();
  const meta: Record<string, string> = { ...(options.meta ?? {}), config: JSON.stringify(config), batchSize: String(B), stepsPerEpoch: String(perEpoch) };

  const rng = createRng(seed);
  const init = initTextClassifier(config, rng, options.embeddingScale ?? 0.1);
  const vars = Object.create(null) as Record<string, Variable>;
  for (const [name, t] of Object.entries(init)) vars[name] = tf.variable(t, true);
  tf.dispose(Object.values(init));
  const disposeAll = (): void => {
    tf.dispose(Object.values(vars));
    optimizer.dispose();
  };
  let resume: (LoopState & { seconds: number }) | undefined;
  try {
    if (options.resume !== undefined) {
      const r = restore(options.resume, vars, optimizer, meta);
      rng.setState(r.rng);
      resume = r.loop;
    }
  } catch (error) {
    disposeAll();
    throw error;
  }

  const secondsBefore = resume?.seconds ?? 0;
  const started = performance.now();
  const seconds = (): number => secondsBefore + (performance.now() - started) / 1000;
  let windowExamples = 0;
  let windowStart = performance.now();
  let valid: TextClassifierEvaluation | undefined;
  const emit = (e: TrainClassifierEvent): void => options.onEvent?.(e);
  let epochBatches: { epoch: number; batches: number[][] } | undefined;
  const batchesOf = (epoch: number): number[][] => {
    if (epochBatches?.epoch !== epoch) epochBatches = { epoch, batches: classifierBatches(lengths, { batchSize: B, seed, epoch, bucketBatches: bucket }) };
    return epochBatches.batches;
  };

  const save = async (state: LoopState): Promise<void> => {
    if (options.checkpoint === undefined) return;
    const bytes = encodeCheckpoint({ params: vars, optimizer: optimizer.state(), optimizerKind: optimizer.kind, rng: rng.getState(), loop: { ...state, seconds: seconds() }, meta });
    await options.checkpoint(bytes, { ...state }, vars);
    emit({ type: 'checkpoint', epoch: state.epoch, step: state.step });
  };

  try {
    const result = await trainLoop({
      epochs,
      stepsPerEpoch: perEpoch,
      ...loopControl(options, resume),
      ...(options.patience !== undefined ? { patience: options.patience } : {}),
      checkpoint: save,
      step: ({ epoch, step }) => {
        const batch = batchesOf(epoch)[step - epoch * perEpoch] as number[];
        const { ids, lengths: lens } = padRows(batch.map((i) => train.ids[i] as number[]));
        const y = tf.tensor1d(batch.map((i) => train.labels[i] as number), 'int32') as Tensor1D;
        const r = trainStep(
          vars,
          () => crossEntropy(textClassifierLogits(config, vars, ids, lens, { training: true, dropout, wordDropout, rng }), y),
          optimizer,
          schedule({ epoch, step }),
          clip,
        );
        y.dispose();
        windowExamples += batch.length;
        return r;
      },
      evaluate: async (epoch: number) => {
        if (options.valid === undefined) {
          emit({ type: 'epoch', epoch, seconds: seconds() });
          return 0;
        }
        valid = await evaluateTextClassifier(config, vars, options.valid, options.evalBatchSize ?? 256);
        emit({ type: 'epoch', epoch, validAccuracy: valid.accuracy, validMacroF1: valid.macroF1, seconds: seconds() });
        windowStart = performance.now();
        windowExamples = 0;
        return 1 - valid.accuracy;
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
          gradNorm: e.gradNorm,
          lr: schedule({ epoch: e.state.epoch, step: Math.max(0, e.state.step - 1) }),
          examplesPerSecond: elapsed > 0 ? windowExamples / elapsed : 0,
          seconds: seconds(),
          skipped: e.state.skipped,
        });
        windowStart = now;
        windowExamples = 0;
      },
    });
    if (result.stopped === 'aborted') await save(result.state);
    // A run resumed after its last epoch evaluates nothing in the loop: the scores are still reported.
    else if (valid === undefined && options.valid !== undefined) valid = await evaluateTextClassifier(config, vars, options.valid, options.evalBatchSize ?? 256);
    return { config, params: vars, stopped: result.stopped, position: result.state, ...(valid !== undefined ? { valid } : {}), dispose: disposeAll };
  } catch (error) {
    disposeAll();
    throw error;
  }
}

/** Loads a checkpoint written by {@link trainTextClassifier} into `vars` and `optimizer`; refuses one of another run. */
function restore(bytes: Uint8Array, vars: Record<string, Variable>, optimizer: Optimizer, meta: Record<string, string>): { rng: RngState; loop: LoopState & { seconds: number } } {
  return restoreCheckpoint(bytes, vars, optimizer, meta, ['config', 'batchSize', 'stepsPerEpoch'], (ck) => {
    const loop = ck.loop as LoopState & { seconds?: unknown };
    return { rng: ck.rng as RngState, loop: { ...loop, seconds: Number(loop?.seconds) || 0 } };
  });
}
