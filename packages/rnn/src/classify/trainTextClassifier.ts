import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import { createRng, EmptyInputError } from '@nlpkit/core';
import {
  adam, crossEntropy, TRAINER_COMMON_KEYS, trainerLoopOptions, trainerSession, trainerStepEvent, trainLoop, trainStep,
  type LoopState, type LrSchedule, type TrainerCheckpointEvent, type TrainerCommonOptions, type TrainerStepEvent,
} from '@nlpkit/train';
import { PKG, RnnOptionError, RnnShapeError } from '../errors.js';
import { trainerClip, trainerSchedule } from '../models/trainerCommon.js';
import { checkKeys, checkNumber } from '../validate.js';
import { classifierBatches } from './classifierBatches.js';
import type { ClassificationExamples } from './classificationTsv.js';
import { evaluateTextClassifier, padRows, type TextClassifierEvaluation } from './evaluateTextClassifier.js';
import { initTextClassifier, type TextClassifierParams } from './initTextClassifier.js';
import { checkTextClassifierConfig, type TextClassifierConfig } from './textClassifierConfig.js';
import { textClassifierLogits } from './textClassifierLogits.js';

/** Options of {@link trainTextClassifier} (the common ones of `@nlpkit/train`'s `TrainerCommonOptions`, and these). */
export interface TrainTextClassifierOptions extends TrainerCommonOptions<TrainClassifierEvent, TextClassifierParams> {
  readonly config: TextClassifierConfig;
  /** Token ids and label indices (`encodeClassificationExamples`). */
  readonly train: ClassificationExamples;
  /** Evaluated after every epoch (accuracy, macro-F1). */
  readonly valid?: ClassificationExamples;
  readonly batchSize: number;
  /** A constant or a schedule from `@nlpkit/train`; the optimizer's default is `adam()`, clipping none. */
  readonly lr: number | LrSchedule;
  /** Dropout on the features (see `textClassifierLogits`). Default 0. */
  readonly dropout?: number;
  /** DAN word dropout (Iyyer et al. 2015); only a `dan` config has it. Default 0. */
  readonly wordDropout?: number;
  /** Initial embeddings U(±embeddingScale). Default 0.1. */
  readonly embeddingScale?: number;
  /** Length bucketing (see `classifierBatches`). Default 50. */
  readonly bucketBatches?: number;
  /** Stop after this many epochs without a better validation accuracy. Default: never. */
  readonly patience?: number;
  readonly evalBatchSize?: number;
}

/** What {@link trainTextClassifier} reports. Losses are mean nats per example; `seconds` count from the first run. */
export type TrainClassifierEvent =
  | (TrainerStepEvent & { readonly examplesPerSecond: number })
  | { readonly type: 'epoch'; readonly epoch: number; readonly validAccuracy?: number; readonly validMacroF1?: number; readonly seconds: number }
  | TrainerCheckpointEvent;

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

const KEYS = [...TRAINER_COMMON_KEYS, 'config', 'train', 'valid', 'batchSize', 'dropout', 'wordDropout', 'embeddingScale', 'bucketBatches', 'patience', 'evalBatchSize'] as const;

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
  if (wordDropout > 0 && config.kind !== 'dan') {
    throw new RnnOptionError({ argument: 'options.wordDropout', expected: `0 or absent for a ${config.kind} classifier (word dropout drops words from a DAN's average)`, found: wordDropout });
  }
  const clip = trainerClip(options.clipNorm);
  const schedule = trainerSchedule(options.lr);
  if (options.patience !== undefined && options.valid === undefined) {
    throw new RnnOptionError({ argument: 'options.patience', expected: 'absent without options.valid (early stopping watches validation accuracy)', found: options.patience });
  }
  checkExamples(options.train, config, 'options.train');
  if (options.valid !== undefined) checkExamples(options.valid, config, 'options.valid');
  const train = options.train;
  const lengths = train.ids.map((r) => r.length);
  const bucket = options.bucketBatches ?? 50;
  const perEpoch = Math.ceil(train.ids.length / B);
  const meta: Record<string, string> = { ...(options.meta ?? {}), config: JSON.stringify(config), batchSize: String(B), stepsPerEpoch: String(perEpoch) };

  const rng = createRng(seed);
  const session = trainerSession({
    init: initTextClassifier(config, rng, options.embeddingScale ?? 0.1),
    optimizer: options.optimizer ?? adam(),
    rng,
    meta,
    runKeys: ['config', 'batchSize', 'stepsPerEpoch'],
    resume: options.resume,
  });
  const { vars, optimizer } = session;
  let valid: TextClassifierEvaluation | undefined;
  const emit = (e: TrainClassifierEvent): void => options.onEvent?.(e);
  let epochBatches: { epoch: number; batches: number[][] } | undefined;
  const batchesOf = (epoch: number): number[][] => {
    if (epochBatches?.epoch !== epoch) epochBatches = { epoch, batches: classifierBatches(lengths, { batchSize: B, seed, epoch, bucketBatches: bucket }) };
    return epochBatches.batches;
  };

  const save = (state: LoopState): Promise<void> => session.save(options, state);

  try {
    const result = await trainLoop({
      epochs,
      stepsPerEpoch: perEpoch,
      ...trainerLoopOptions(options, session.resumed),
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
        session.count(batch.length);
        return r;
      },
      evaluate: async (epoch: number) => {
        if (options.valid === undefined) {
          emit({ type: 'epoch', epoch, seconds: session.seconds() });
          return 0;
        }
        valid = await evaluateTextClassifier(config, vars, options.valid, options.evalBatchSize ?? 256);
        emit({ type: 'epoch', epoch, validAccuracy: valid.accuracy, validMacroF1: valid.macroF1, seconds: session.seconds() });
        session.restartWindow();
        return 1 - valid.accuracy;
      },
      onProgress: (e) => {
        if (e.type === 'log') emit({ ...trainerStepEvent(e, perEpoch, schedule, session.seconds()), examplesPerSecond: session.windowRate() });
      },
    });
    if (result.stopped === 'aborted') await save(result.state);
    // A run resumed after its last epoch evaluates nothing in the loop: the scores are still reported.
    else if (valid === undefined && options.valid !== undefined) valid = await evaluateTextClassifier(config, vars, options.valid, options.evalBatchSize ?? 256);
    return { config, params: vars, stopped: result.stopped, position: result.state, ...(valid !== undefined ? { valid } : {}), dispose: session.dispose };
  } catch (error) {
    session.dispose();
    throw error;
  }
}
