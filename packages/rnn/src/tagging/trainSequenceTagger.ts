import { createRng, UNK_ID, type Rng } from '@nlpkit/core';
import {
  adam, TRAINER_COMMON_KEYS, trainerLoopOptions, trainerSession, trainerStepEvent, trainLoop, trainStep,
  type LoopState, type TrainerCheckpointEvent, type TrainerCommonOptions, type TrainerStepEvent,
} from '@nlpkit/train';
import { RnnOptionError } from '../errors.js';
import { trainerClip, trainerSchedule } from '../models/trainerCommon.js';
import { checkKeys, checkNumber } from '../validate.js';
import { checkTagSequence, crfConstraints } from './crfConstraints.js';
import { checkSequenceTaggerConfig, initSequenceTagger, sequenceTaggerLoss, type SequenceTaggerConfig, type SequenceTaggerParams, type TaggerBatch } from './sequenceTagger.js';
import { sequenceTagger, type SequenceTagger } from './sequenceTaggerModel.js';
import { buildTaggerVocabularies, checkTaggedSentences, encodeTaggerBatch, type TaggedWords, type TaggerVocabularies } from './taggerData.js';

/** The model part of a config that training completes from the data (vocabulary and tag-set sizes). */
export type TaggerModelOptions = Omit<SequenceTaggerConfig, 'wordVocabSize' | 'numTags' | 'chars'> & {
  chars?: Omit<NonNullable<SequenceTaggerConfig['chars']>, 'vocabSize'>;
};

/**
 * Options of {@link trainSequenceTagger} (the common ones of `@nlpkit/train`'s `TrainerCommonOptions`, and these).
 * Defaults: `adam()`, lr 0.001, clipNorm 5. Checkpoints come after every epoch (and every `checkpointEvery` steps,
 * and on abort); `resume` takes one written for the same data and options.
 */
export interface TrainSequenceTaggerOptions extends TrainerCommonOptions<TrainTaggerEvent, SequenceTaggerParams> {
  /** The architecture; sizes of the vocabularies and the tag set come from `train`. */
  readonly model: TaggerModelOptions;
  /** Training sentences (`{ words, tags }`); with `model.scheme`, every tag sequence must follow it. */
  readonly train: readonly TaggedWords[];
  /** Sentences per step (default 32). */
  readonly batchSize?: number;
  /** Dropout on word features and encoder outputs (default 0.5 for BiLSTMs in the literature; here 0). */
  readonly dropout?: number;
  /**
   * Probability that a word seen once in the training data is read as `<unk>` at a training step (Lample et al.
   * 2016 use 0.5): the `<unk>` vector learns from real contexts while names seen once stay in the vocabulary. It
   * matters with `minCount` 1 (default 0: off).
   */
  readonly singletonDropout?: number;
  /** Word vocabulary: keep words seen at least this often (default 1). */
  readonly minCount?: number;
  /** Word vocabulary: at most this many ids. */
  readonly maxWords?: number;
  /** Called after every epoch with the tagger as it stands; its number (e.g. dev entity F1) is reported in the epoch event. */
  readonly validate?: (tagger: SequenceTagger, epoch: number) => number | Promise<number>;
}

/** Progress of {@link trainSequenceTagger}; losses are the training objective's means over the window. */
export type TrainTaggerEvent =
  | (TrainerStepEvent & { readonly sentences: number })
  | { readonly type: 'epoch'; readonly epoch: number; readonly score?: number; readonly seconds: number }
  | TrainerCheckpointEvent;

/** What training returns: the config, the tagger (its parameters are tf Variables the caller owns) and how it ended. */
export interface TrainSequenceTaggerResult {
  readonly config: SequenceTaggerConfig;
  readonly vocabularies: TaggerVocabularies;
  readonly params: SequenceTaggerParams;
  readonly tagger: SequenceTagger;
  readonly stopped: 'completed' | 'aborted' | 'early-stopped';
  readonly position: LoopState;
  /** The last `validate` result. */
  readonly score?: number;
  /** Frees the parameters and the optimizer state. */
  dispose(): void;
}

const KEYS = [...TRAINER_COMMON_KEYS, 'model', 'train', 'batchSize', 'dropout', 'singletonDropout', 'minCount', 'maxWords', 'validate'] as const;

/**
 * The batches of `epoch`, drawn from (seed, epoch) alone so resumes are exact: sentences shuffled, then sorted by
 * length within pools of 32 batches (so a batch pads little: WikiANN mixes 3-word and 400-word sentences), cut into
 * batches, and the batches shuffled.
 */
function epochBatches(lengths: readonly number[], batchSize: number, seed: number, epoch: number): Int32Array[] {
  const rng: Rng = createRng(seed * 1000003 + epoch + 1);
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
    }
    return xs;
  };
  const order = shuffle(Array.from({ length: lengths.length }, (_, i) => i));
  const pool = batchSize * 32;
  const batches: Int32Array[] = [];
  for (let at = 0; at < order.length; at += pool) {
    const sorted = order.slice(at, at + pool).sort((a, b) => (lengths[a] as number) - (lengths[b] as number) || a - b);
    for (let k = 0; k < sorted.length; k += batchSize) batches.push(Int32Array.from(sorted.slice(k, k + batchSize)));
  }
  return shuffle(batches);
}

/** The word ids whose word occurs once in the training data (the vocabulary built from it keeps the counts). */
function singletonIds(vocabularies: TaggerVocabularies): Uint8Array {
  const words = vocabularies.words;
  const marked = new Uint8Array(words.size);
  for (let id = 0; id < words.size; id++) if (id !== UNK_ID && words.count(id) === 1) marked[id] = 1;
  return marked;
}

/** `words` with each singleton id replaced by `<unk>` with probability `rate` (draws from `rng`, one per singleton). */
function dropSingletons(words: TaggerBatch['words'], singletons: Uint8Array, rate: number, rng: Rng): number[][] {
  return words.map((row) => row.map((id) => (singletons[id] === 1 && rng.next() < rate ? UNK_ID : id)));
}

/**
 * Trains a sequence tagger (BiLSTM or fixed-window encoder; softmax or CRF; optional character features) on
 * tagged sentences: vocabularies built from the training data, padded mini-batches of similar lengths in a seeded
 * order per epoch,
 * `trainStep`/`trainLoop` from `@nlpkit/train` (Adam and clipping by default), dropout from a seeded generator,
 * the scheme's transition constraints in the CRF loss, exact resume from checkpoints. Training data that breaks
 * `model.scheme` is refused (a FormatError naming sentence and position), as is empty data (EmptyInputError).
 *
 * @example
 * const r = await trainSequenceTagger({
 *   model: { encoder: 'bilstm', output: 'crf', wordEmbeddingSize: 100, hiddenSize: 100, scheme: 'IOB2',
 *            chars: { embeddingSize: 25, hiddenSize: 25 } },
 *   train, seed: 1, epochs: 10, dropout: 0.5,
 * });
 * r.tagger.predictSpans([['John', 'lives', 'in', 'Paris']]);
 */
export async function trainSequenceTagger(options: TrainSequenceTaggerOptions): Promise<TrainSequenceTaggerResult> {
  checkKeys(options, 'options', KEYS);
  checkTaggedSentences(options.train, 'options.train');
  const model = options.model;
  if (model === null || typeof model !== 'object') throw new RnnOptionError({ argument: 'options.model', expected: 'a model record', found: model });
  checkNumber(options.seed, 'options.seed', 0, 2 ** 31 - 1, true);
  const epochs = checkNumber(options.epochs, 'options.epochs', 0, 1e6, true);
  const batchSize = checkNumber(options.batchSize ?? 32, 'options.batchSize', 1, 1 << 16, true);
  const dropout = checkNumber(options.dropout ?? 0, 'options.dropout', 0, 0.99);
  const singletonDropout = checkNumber(options.singletonDropout ?? 0, 'options.singletonDropout', 0, 1);
  const clip = trainerClip(options.clipNorm, 5);
  const schedule = trainerSchedule(options.lr, 0.001);
  const vocabularies = buildTaggerVocabularies(options.train, {
    lowercase: model.lowercase === true,
    chars: model.chars !== undefined,
    ...(options.minCount !== undefined ? { minCount: options.minCount } : {}),
    ...(options.maxWords !== undefined ? { maxWords: options.maxWords } : {}),
  });
  const config = checkSequenceTaggerConfig(
    {
      ...model,
      wordVocabSize: vocabularies.words.size,
      numTags: vocabularies.tags.length,
      ...(model.chars !== undefined ? { chars: { ...model.chars, vocabSize: (vocabularies.chars as { size: number }).size } } : {}),
    } as SequenceTaggerConfig,
    'options.model',
  );
  const constraints = config.scheme === undefined ? undefined : crfConstraints(vocabularies.tags, config.scheme);
  const index = new Map(vocabularies.tags.map((t, i) => [t, i]));
  if (constraints !== undefined) {
    options.train.forEach((s, i) => checkTagSequence(s.tags.map((t) => index.get(t) as number), constraints, vocabularies.tags, `options.train[${i}].tags`));
  }
  const train = options.train;
  const singletons = singletonDropout > 0 ? singletonIds(vocabularies) : undefined;
  const perEpoch = Math.ceil(train.length / batchSize);
  const meta: Record<string, string> = { ...(options.meta ?? {}), config: JSON.stringify(config), batchSize: String(batchSize), sentences: String(train.length), seed: String(options.seed) };

  const rng = createRng(options.seed);
  const session = trainerSession({
    init: initSequenceTagger(config, rng),
    optimizer: options.optimizer ?? adam(),
    rng,
    meta,
    runKeys: ['config', 'batchSize', 'sentences', 'seed'],
    resume: options.resume,
  });
  const { vars, params, optimizer } = session;
  const tagger = sequenceTagger({ config, params, vocabularies });
  const emit = (e: TrainTaggerEvent): void => options.onEvent?.(e);
  let score: number | undefined;
  let order: { epoch: number; batches: Int32Array[] } | undefined;
  const lengths = options.train.map((s) => s.words.length);

  const save = (state: LoopState): Promise<void> => session.save(options, state);

  try {
    const result = await trainLoop({
      epochs,
      stepsPerEpoch: perEpoch,
      ...trainerLoopOptions(options, session.resumed),
      checkpoint: save,
      step: ({ epoch, step }) => {
        if (order?.epoch !== epoch) order = { epoch, batches: epochBatches(lengths, batchSize, options.seed, epoch) };
        const picked = Array.from(order.batches[step - epoch * perEpoch] as Int32Array, (i) => train[i] as TaggedWords);
        const encoded = encodeTaggerBatch(config, vocabularies, picked.map((s) => s.words), picked.map((s) => s.tags));
        const batch = singletons === undefined ? encoded : { ...encoded, words: dropSingletons(encoded.words, singletons, singletonDropout, rng) };
        return trainStep(
          vars,
          () => sequenceTaggerLoss(config, params, batch, { ...(constraints !== undefined ? { constraints } : {}), ...(dropout > 0 ? { dropout, training: true, rng } : {}) }),
          optimizer,
          schedule({ epoch, step }),
          clip,
        );
      },
      evaluate: async (epoch) => {
        if (options.validate !== undefined) score = await options.validate(tagger, epoch);
        emit({ type: 'epoch', epoch, ...(score !== undefined ? { score } : {}), seconds: session.seconds() });
        // trainLoop treats lower as better.
        return score === undefined ? 0 : -score;
      },
      onProgress: (e) => {
        if (e.type !== 'log') return;
        emit({ ...trainerStepEvent(e, perEpoch, schedule, session.seconds()), sentences: Math.min(e.state.step * batchSize, (e.state.epoch + 1) * train.length) });
      },
    });
    if (result.stopped === 'aborted') await save(result.state);
    return {
      config, vocabularies, params, tagger, stopped: result.stopped, position: result.state,
      ...(score !== undefined ? { score } : {}),
      dispose: session.dispose,
    };
  } catch (error) {
    session.dispose();
    throw error;
  }
}
