import type { Optimizer } from './optimizers/optimizer.js';
import type { LrSchedule } from './schedules.js';
import type { LoopState, TrainEvent, TrainLoopOptions } from './trainLoop.js';

/**
 * The options every model trainer built on {@link trainLoop} takes, whatever the model (`@nlpkit/rnn`'s language
 * models, taggers and classifiers; `@nlpkit/seq2seq`'s translator). A trainer's own options extend this with its
 * data and model shape, and may make an optional member required (`lr`, say).
 *
 * `E` is the trainer's event type; `P` what its `checkpoint` callback receives as the parameters.
 */
export interface TrainerCommonOptions<E, P = unknown> {
  /** Seeds the initial weights, the batch order and the dropout masks. */
  readonly seed: number;
  /** Epochs in total, counting those before a resume. */
  readonly epochs: number;
  /** The optimizer (each trainer states its default). */
  readonly optimizer?: Optimizer;
  /** A constant learning rate or a schedule (`zarembaLr`, `exponentialLr`...). */
  readonly lr?: number | LrSchedule;
  /** Global gradient-norm clipping (each trainer states its default). */
  readonly clipNorm?: number;
  /** Report a `'step'` event (one device read) every this many steps. Default 50. */
  readonly logEvery?: number;
  /** Save a checkpoint every this many steps, besides after every epoch and on abort. */
  readonly checkpointEvery?: number;
  /**
   * Receives every checkpoint as bytes (write them with `writeCheckpointFile` from `@nlpkit/train/node`), with the
   * position and the parameters at that point (to write a model artifact after each epoch, say; do not keep them).
   */
  readonly checkpoint?: (bytes: Uint8Array, position: LoopState, params: P) => void | Promise<void>;
  /** Bytes of a checkpoint the same trainer wrote for the same run: training continues exactly where it stopped. */
  readonly resume?: Uint8Array;
  /** Progress. */
  readonly onEvent?: (event: E) => void;
  /** Stops between steps; a checkpoint is saved first (when `checkpoint` is given). */
  readonly signal?: AbortSignal;
  /** Free-form strings stored in every checkpoint. */
  readonly meta?: Readonly<Record<string, string>>;
}

/** The keys of {@link TrainerCommonOptions}, for a trainer's check of unknown option keys. */
export const TRAINER_COMMON_KEYS = [
  'seed', 'epochs', 'optimizer', 'lr', 'clipNorm', 'logEvery', 'checkpointEvery', 'checkpoint', 'resume', 'onEvent', 'signal', 'meta',
] as const;

/** The event a trainer reports after handing a checkpoint to its `checkpoint` callback. */
export interface TrainerCheckpointEvent {
  readonly type: 'checkpoint';
  readonly epoch: number;
  readonly step: number;
}

/**
 * `trainLoop`'s `logEvery` (default 50), `checkpointEvery`, `signal` and `resume` from a trainer's options and the
 * loop state it resumed (if any): what every trainer hands on unchanged.
 *
 * @example
 * await trainLoop({ epochs, stepsPerEpoch, ...trainerLoopOptions(options, resumed?.loop), step, checkpoint: save });
 */
export function trainerLoopOptions(
  options: Pick<TrainerCommonOptions<unknown>, 'logEvery' | 'checkpointEvery' | 'signal'>,
  resume: LoopState | undefined,
): Pick<TrainLoopOptions, 'logEvery' | 'checkpointEvery' | 'signal' | 'resume'> {
  return {
    logEvery: options.logEvery ?? 50,
    ...(options.checkpointEvery !== undefined ? { checkpointEvery: options.checkpointEvery } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(resume !== undefined ? { resume } : {}),
  };
}

/** What every trainer's `'step'` event holds (a trainer adds its own throughput fields: tokens, examples...). */
export interface TrainerStepEvent {
  readonly type: 'step';
  readonly epoch: number;
  /** Global step after this window. */
  readonly step: number;
  readonly stepsPerEpoch: number;
  /** Mean training loss over the window. */
  readonly loss: number;
  /** Gradient norm of the window's last step. */
  readonly gradNorm: number;
  /** Learning rate of the window's last step. */
  readonly lr: number;
  /** Seconds of training over every run (those before a resume included). */
  readonly seconds: number;
  /** Steps skipped (NaN/Inf) so far. */
  readonly skipped: number;
}

/** A trainer's {@link TrainerStepEvent} from a `trainLoop` `'log'` event, its schedule and its clock. */
export function trainerStepEvent(event: Extract<TrainEvent, { type: 'log' }>, stepsPerEpoch: number, schedule: LrSchedule, seconds: number): TrainerStepEvent {
  return {
    type: 'step',
    epoch: event.state.epoch,
    step: event.state.step,
    stepsPerEpoch,
    loss: event.loss,
    gradNorm: event.gradNorm,
    lr: schedule({ epoch: event.state.epoch, step: Math.max(0, event.state.step - 1) }),
    seconds,
    skipped: event.state.skipped,
  };
}
