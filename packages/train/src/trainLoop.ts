import { InvalidArgumentError } from '@nlpkit/core';
import { check, PKG } from './errors.js';
import type { TrainPosition } from './schedules.js';
import { StepWindow, type WindowValues } from './stepWindow.js';
import type { StepResult, StepValues } from './trainStep.js';

/** Loop state saved in checkpoints: the next step to run and early-stopping bookkeeping. */
export interface LoopState extends TrainPosition {
  /** Best dev metric so far (lower is better), or null before the first evaluation. */
  best: number | null;
  /** Evaluations in a row without improvement. */
  badEvaluations: number;
  /** Steps skipped because of NaN/Inf so far. */
  skipped: number;
}

/**
 * What {@link trainLoop} reports through `onProgress`. Step results are read from the device only every
 * `logEvery` steps (and before evaluations and checkpoints), so there is one `'log'` event per window of steps,
 * not one per step.
 */
export type TrainEvent =
  | ({ type: 'log'; state: LoopState } & WindowValues)
  | { type: 'evaluate'; state: LoopState; metric: number; improved: boolean }
  | { type: 'checkpoint'; state: LoopState };

/** Options of {@link trainLoop}. */
export interface TrainLoopOptions {
  /** Number of epochs in total (including those before a resume). */
  epochs: number;
  /** Steps in each epoch. */
  stepsPerEpoch: number;
  /**
   * Runs the step at `position`; must pick its batch from the position alone so that resumes are exact. Return
   * {@link trainStep}'s result (device scalars, read every `logEvery` steps) or plain numbers.
   */
  step: (position: TrainPosition) => StepResult | StepValues | Promise<StepResult | StepValues>;
  /** Dev metric after each epoch, lower is better (perplexity, loss). */
  evaluate?: (epoch: number) => number | Promise<number>;
  /** Stop after this many evaluations without improvement. Default: never. */
  patience?: number;
  /**
   * Read the step results back (asynchronously) and report a `'log'` event every this many steps. Default 50.
   * Reading is the only time the loop waits for the device; smaller values log more often and run slower on a GPU.
   */
  logEvery?: number;
  /** Progress callback. */
  onProgress?: (event: TrainEvent) => void;
  /** Stops the loop between steps. */
  signal?: AbortSignal;
  /** Call `checkpoint` every this many steps (and after every epoch). Default: only after epochs. */
  checkpointEvery?: number;
  /** Saves a checkpoint for the given loop state (e.g. with `writeCheckpointFile` from `@nlpkit/train/node`). */
  checkpoint?: (state: LoopState) => void | Promise<void>;
  /**
   * Resume from a saved loop state (`decodeCheckpoint(bytes).loop`). It is checked as untrusted input: counts are
   * non-negative integers, `step` lies in epoch `epoch` for this `stepsPerEpoch`, `best` is null or a number.
   */
  resume?: LoopState;
}

/** How {@link trainLoop} ended. */
export interface TrainLoopResult {
  state: LoopState;
  stopped: 'completed' | 'aborted' | 'early-stopped';
}

const KEYS = ['epochs', 'stepsPerEpoch', 'step', 'evaluate', 'patience', 'logEvery', 'onProgress', 'signal', 'checkpointEvery', 'checkpoint', 'resume'] as const;

/**
 * The training loop: steps, per-epoch evaluation with early stopping, periodic checkpoints, progress events and
 * cancellation. It owns no model: the model, optimizer and data live in the `step`/`evaluate` callbacks. Step
 * results stay on the device and are summed there; the loop reads them with one asynchronous download every
 * `logEvery` steps, so a GPU is never made to wait step by step.
 */
export async function trainLoop(options: TrainLoopOptions): Promise<TrainLoopResult> {
  check.options(options, 'options', [...KEYS]);
  check.integer(options.epochs, 'options.epochs', 0, 1e9);
  const perEpoch = check.integer(options.stepsPerEpoch, 'options.stepsPerEpoch', 1);
  if (options.patience !== undefined) check.integer(options.patience, 'options.patience', 1, 1e9);
  if (options.checkpointEvery !== undefined) check.integer(options.checkpointEvery, 'options.checkpointEvery', 1);
  const logEvery = check.integer(options.logEvery ?? 50, 'options.logEvery', 1);
  if (typeof options.step !== 'function') {
    throw new InvalidArgumentError({ package: PKG, argument: 'options.step', expected: 'a function', found: options.step });
  }
  const state: LoopState = options.resume === undefined ? { epoch: 0, step: 0, best: null, badEvaluations: 0, skipped: 0 } : checkResume(options.resume, perEpoch);
  const emit = (e: TrainEvent): void => options.onProgress?.(e);
  const window = new StepWindow();
  /** Reads the pending step results, if any, into the state and reports them. */
  const flush = async (): Promise<void> => {
    if (window.steps === 0) return;
    const values = await window.read();
    state.skipped += values.skipped;
    emit({ type: 'log', state: { ...state }, ...values });
  };
  const save = async (): Promise<void> => {
    if (options.checkpoint === undefined) return;
    await flush();
    await options.checkpoint({ ...state });
    emit({ type: 'checkpoint', state: { ...state } });
  };
  try {
    while (state.epoch < options.epochs) {
      const epochEnd = (state.epoch + 1) * perEpoch;
      while (state.step < epochEnd) {
        // Yield to the event loop so that an abort (or a UI) can run between steps.
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (options.signal?.aborted === true) {
          await flush();
          return { state: { ...state }, stopped: 'aborted' };
        }
        window.add(await options.step({ epoch: state.epoch, step: state.step }));
        state.step += 1;
        if (window.steps >= logEvery) await flush();
        if (options.checkpointEvery !== undefined && state.step % options.checkpointEvery === 0 && state.step < epochEnd) await save();
      }
      await flush();
      state.epoch += 1;
      if (options.evaluate !== undefined) {
        const metric = await options.evaluate(state.epoch - 1);
        const improved = state.best === null || metric < state.best;
        if (improved) {
          state.best = metric;
          state.badEvaluations = 0;
        } else state.badEvaluations += 1;
        emit({ type: 'evaluate', state: { ...state }, metric, improved });
      }
      await save();
      if (options.patience !== undefined && state.badEvaluations >= options.patience) return { state: { ...state }, stopped: 'early-stopped' };
    }
    return { state: { ...state }, stopped: 'completed' };
  } finally {
    window.dispose();
  }
}

/** A loop state read from a checkpoint, checked field by field and copied into a fresh record. */
function checkResume(resume: unknown, perEpoch: number): LoopState {
  if (resume === null || typeof resume !== 'object' || Array.isArray(resume)) {
    throw new InvalidArgumentError({ package: PKG, argument: 'options.resume', expected: 'a loop state record', found: resume });
  }
  const r = resume as Record<string, unknown>;
  const field = (key: string): unknown => (Object.hasOwn(r, key) ? r[key] : undefined);
  const epoch = check.integer(field('epoch'), 'options.resume.epoch', 0, 1e9);
  const step = check.integer(field('step'), 'options.resume.step', epoch * perEpoch, (epoch + 1) * perEpoch);
  const best = field('best') ?? null;
  return {
    epoch,
    step,
    best: best === null ? null : check.number(best, 'options.resume.best'),
    badEvaluations: check.integer(field('badEvaluations') ?? 0, 'options.resume.badEvaluations', 0),
    skipped: check.integer(field('skipped') ?? 0, 'options.resume.skipped', 0),
  };
}
