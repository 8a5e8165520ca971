import { createRng, EmptyInputError, type Vocabulary } from '@nlpkit/core';
import { classifierBatches } from '@nlpkit/rnn';
import {
  adam, constantLr, TRAINER_COMMON_KEYS, trainerLoopOptions, trainerSession, trainerStepEvent, trainLoop, trainStep,
  type LoopState, type LrSchedule, type TrainerCommonOptions, type TrainerStepEvent,
} from '@nlpkit/train';
import { checkIdList, seq2seqBatch, type Seq2seqPair } from '../data/seq2seqBatch.js';
import { check, checkKeys, PKG, Seq2seqOptionError } from '../errors.js';
import { initSeq2seq, type Seq2seqParams } from '../model/initSeq2seq.js';
import { checkSeq2seqConfig, type Seq2seqConfig } from '../model/seq2seqConfig.js';
import { seq2seqLoss } from '../model/seq2seqLoss.js';
import { evaluateSeq2seq, greedyBleu } from './evaluateSeq2seq.js';

/** Greedy-decoding BLEU on the validation pairs after each epoch. */
export interface ValidBleuOptions {
  /** Turns target ids into tokens. */
  readonly targetVocabulary: Vocabulary;
  /** One tokenized reference per validation pair (the target text, unknown words included). */
  readonly references: readonly string[];
  /** Most target tokens per sentence (default `2·|source| + 10`). */
  readonly maxLength?: number;
}

/** Options of {@link trainSeq2seq}. */
export interface TrainSeq2seqOptions extends TrainerCommonOptions<TrainSeq2seqEvent, Seq2seqParams> {
  readonly config: Seq2seqConfig;
  /** Encoded training pairs (`encodeParallel`). */
  readonly train: readonly Seq2seqPair[];
  /** Encoded validation pairs: loss (and BLEU with `validBleu`) after every epoch. */
  readonly valid?: readonly Seq2seqPair[];
  /** Pairs per batch (the last batch of an epoch may be smaller). */
  readonly batchSize: number;
  /** Label smoothing ε of the training loss. Default 0. */
  readonly labelSmoothing?: number;
  /** Length bucketing: pools of this many batches sorted by length (`classifierBatches` of `@nlpkit/rnn`). Default 50. */
  readonly bucketBatches?: number;
  /** Score validation BLEU of greedy translations after every epoch (needs `valid`). */
  readonly validBleu?: ValidBleuOptions;
  /** Stop after this many epochs without a better validation score (BLEU with `validBleu`, else loss). Default: never. */
  readonly patience?: number;
  /** Pairs per validation batch. Default 64. */
  readonly evalBatchSize?: number;
}

/** What {@link trainSeq2seq} reports. Losses are mean nats per predicted target token; `tokens` count from the first run. */
export type TrainSeq2seqEvent =
  | (TrainerStepEvent & { readonly perplexity: number; readonly tokensPerSecond: number; readonly tokens: number })
  | {
      readonly type: 'epoch';
      readonly epoch: number;
      readonly validLoss?: number;
      readonly validPerplexity?: number;
      readonly validBleu?: number;
      readonly tokens: number;
      readonly seconds: number;
    }
  | { readonly type: 'checkpoint'; readonly epoch: number; readonly step: number };

/** How {@link trainSeq2seq} ended, with the trained parameters (tf Variables the caller now owns). */
export interface TrainSeq2seqResult {
  readonly config: Seq2seqConfig;
  readonly params: Seq2seqParams;
  readonly stopped: 'completed' | 'aborted' | 'early-stopped';
  readonly position: LoopState;
  readonly validLoss?: number;
  readonly validBleu?: number;
  /** Frees the parameters and the optimizer state. */
  dispose(): void;
}

const KEYS = [...TRAINER_COMMON_KEYS, 'config', 'train', 'valid', 'batchSize', 'labelSmoothing', 'bucketBatches', 'validBleu', 'patience', 'evalBatchSize'] as const;

function checkPairs(pairs: readonly Seq2seqPair[], config: Seq2seqConfig, argument: string): void {
  if (!Array.isArray(pairs)) throw new Seq2seqOptionError({ argument, expected: 'an array of { source, target } id pairs (encodeParallel)', found: pairs });
  if (pairs.length === 0) throw new EmptyInputError({ package: PKG, argument, expected: 'at least one sentence pair' });
  pairs.forEach((p, i) => {
    if (p === null || typeof p !== 'object') throw new Seq2seqOptionError({ argument: `${argument}[${i}]`, expected: 'a { source, target } pair', found: p });
    checkIdList(p.source, `${argument}[${i}].source`, config.sourceVocabSize, false);
    checkIdList(p.target, `${argument}[${i}].target`, config.targetVocabSize, true);
  });
}

/**
 * Trains an encoder-decoder with teacher forcing on `@nlpkit/train`'s loop: each epoch the pairs are shuffled (seeded
 * by `seed` and the epoch) into length-bucketed, right-padded batches; the loss is the per-token mean cross-entropy
 * over the non-padding target tokens ({@link seq2seqLoss}), label-smoothed; Adam by default (lr 1e-3), gradient
 * clipping, any `@nlpkit/train` schedule; dropout masks from a seeded generator; validation loss (and greedy BLEU)
 * after every epoch with early stopping; checkpoints that resume exactly — the same weights as a run that never
 * stopped. Nothing is read back from the device between `logEvery` windows.
 *
 * @example
 * const r = await trainSeq2seq({ config, train: encodeParallel(corpus, vocabularies), seed: 1, batchSize: 64, epochs: 10,
 *   lr: 1e-3, clipNorm: 5, labelSmoothing: 0.1, onEvent: (e) => console.error(e) });
 */
export async function trainSeq2seq(options: TrainSeq2seqOptions): Promise<TrainSeq2seqResult> {
  checkKeys(options, 'options', KEYS);
  const config = checkSeq2seqConfig(options.config, 'options.config');
  const B = check.integer(options.batchSize, 'options.batchSize', 1, 1 << 16);
  const epochs = check.integer(options.epochs, 'options.epochs', 0, 1e6);
  const seed = check.integer(options.seed, 'options.seed', 0);
  const labelSmoothing = check.number(options.labelSmoothing ?? 0, 'options.labelSmoothing', 0, 0.999);
  const bucketBatches = check.integer(options.bucketBatches ?? 50, 'options.bucketBatches', 1);
  const evalBatchSize = check.integer(options.evalBatchSize ?? 64, 'options.evalBatchSize', 1, 1 << 16);
  const clip = options.clipNorm === undefined ? {} : { maxNorm: check.number(options.clipNorm, 'options.clipNorm', 0) };
  const schedule: LrSchedule = typeof options.lr === 'function' ? options.lr : constantLr(check.number(options.lr ?? 1e-3, 'options.lr', 0, 1e6));
  checkPairs(options.train, config, 'options.train');
  const valid = options.valid;
  if (valid !== undefined) checkPairs(valid, config, 'options.valid');
  if ((options.patience !== undefined || options.validBleu !== undefined) && valid === undefined) {
    throw new Seq2seqOptionError({ argument: options.patience !== undefined ? 'options.patience' : 'options.validBleu', expected: 'absent without options.valid', found: options.patience ?? 'given' });
  }
  const bleu = options.validBleu;
  if (bleu !== undefined) {
    checkKeys(bleu, 'options.validBleu', ['targetVocabulary', 'references', 'maxLength']);
    if (!Array.isArray(bleu.references) || bleu.references.length !== valid?.length) {
      throw new Seq2seqOptionError({ argument: 'options.validBleu.references', expected: `one reference string per validation pair (${valid?.length})`, found: Array.isArray(bleu.references) ? bleu.references.length : bleu.references });
    }
    if (bleu.targetVocabulary?.size !== config.targetVocabSize) {
      throw new Seq2seqOptionError({ argument: 'options.validBleu.targetVocabulary.size', expected: `config.targetVocabSize (${config.targetVocabSize})`, found: bleu.targetVocabulary?.size });
    }
  }
  const train = options.train;
  const lengths = train.map((p) => Math.max(p.source.length, p.target.length + 1));
  const perEpoch = Math.ceil(train.length / B);
  const meta: Record<string, string> = {
    ...(options.meta ?? {}),
    config: JSON.stringify(config),
    batchSize: String(B),
    bucketBatches: String(bucketBatches),
    stepsPerEpoch: String(perEpoch),
    seed: String(seed),
  };
  const rng = createRng(seed);
  const session = trainerSession({
    init: initSeq2seq(config, rng),
    optimizer: options.optimizer ?? adam(),
    rng,
    meta,
    runKeys: ['config', 'batchSize', 'bucketBatches', 'stepsPerEpoch', 'seed'],
    ...(options.resume !== undefined ? { resume: options.resume } : {}),
  });
  const params = session.params as Seq2seqParams;
  const model = { config, params };
  let tokens = Number(session.resumed?.['tokens']) || 0;
  let validLoss: number | undefined;
  let validBleu: number | undefined;
  const emit = (e: TrainSeq2seqEvent): void => options.onEvent?.(e);
  let epochBatches: { epoch: number; batches: number[][] } | undefined;
  const batchesOf = (epoch: number): number[][] => {
    if (epochBatches?.epoch !== epoch) epochBatches = { epoch, batches: classifierBatches(lengths, { batchSize: B, seed, epoch, bucketBatches }) };
    return epochBatches.batches;
  };
  const evaluate = async (): Promise<number> => {
    const v = await evaluateSeq2seq(model, valid as Seq2seqPair[], evalBatchSize);
    validLoss = v.loss;
    if (bleu !== undefined) {
      validBleu = await greedyBleu(model, valid as Seq2seqPair[], bleu.targetVocabulary, bleu.references, {
        batchSize: evalBatchSize,
        ...(bleu.maxLength !== undefined ? { maxLength: bleu.maxLength } : {}),
      });
    }
    return validBleu !== undefined ? -validBleu : v.loss;
  };
  const save = (position: LoopState): Promise<void> => session.save(options, position, { tokens });

  try {
    const result = await trainLoop({
      epochs,
      stepsPerEpoch: perEpoch,
      ...trainerLoopOptions(options, session.resumed),
      ...(options.patience !== undefined ? { patience: check.integer(options.patience, 'options.patience', 1) } : {}),
      checkpoint: save,
      step: ({ epoch, step }) => {
        const indices = batchesOf(epoch)[step - epoch * perEpoch] as number[];
        const batch = seq2seqBatch(indices.map((i) => train[i] as Seq2seqPair));
        const r = trainStep(session.vars, () => seq2seqLoss(config, params, batch, { labelSmoothing, training: true, rng }), session.optimizer, schedule({ epoch, step }), clip);
        tokens += batch.tokens;
        session.count(batch.tokens);
        return r;
      },
      evaluate: async (epoch) => {
        if (valid === undefined) {
          emit({ type: 'epoch', epoch, tokens, seconds: session.seconds() });
          return 0;
        }
        const metric = await evaluate();
        emit({
          type: 'epoch',
          epoch,
          validLoss: validLoss as number,
          validPerplexity: Math.exp(validLoss as number),
          ...(validBleu !== undefined ? { validBleu } : {}),
          tokens,
          seconds: session.seconds(),
        });
        session.restartWindow();
        return metric;
      },
      onProgress: (e) => {
        if (e.type !== 'log') return;
        emit({ ...trainerStepEvent(e, perEpoch, schedule, session.seconds()), perplexity: Math.exp(e.loss), tokensPerSecond: session.windowRate(), tokens });
      },
    });
    if (result.stopped === 'aborted') await save(result.state);
    // Resumed after the last epoch: nothing was evaluated in the loop, so the scores are measured now.
    else if (validLoss === undefined && valid !== undefined) await evaluate();
    return {
      config,
      params,
      stopped: result.stopped,
      position: result.state,
      ...(validLoss !== undefined ? { validLoss } : {}),
      ...(validBleu !== undefined ? { validBleu } : {}),
      dispose: () => session.dispose(),
    };
  } catch (error) {
    session.dispose();
    throw error;
  }
}
