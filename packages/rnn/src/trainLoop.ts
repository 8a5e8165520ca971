import { PKG, RnnOptionError } from './errors.js';
import type { TrainPosition } from './schedules.js';
import type { StepResult } from './trainStep.js';
import { checkKeys, checkNumber } from './validate.js';

/** Loop state saved in checkpoints: the next step to run and early-stopping bookkeeping. */
export interface LoopState extends TrainPosition {
  /** Best dev metric so far (lower is better), or null before the first evaluation. */
  best: number | null;
  /** Evaluations in a row without improvement. */
  badEvaluations: number;
  /** Steps skipped because of NaN/Inf so far. */
  skipped: number;
}

/** What {@link trainLoop} reports through `onProgress`. */
export type TrainEvent =
  | { type: 'step'; state: LoopState; result: StepResult }
  | { type: 'skipped'; state: LoopState; result: StepResult }
  | { type: 'evaluate'; state: LoopState; metric: number; improved: boolean }
  | { type: 'checkpoint'; state: LoopState };

/** Options of {@link trainLoop}. */
export interface TrainLoopOptions {
  /** Number of epochs in total (including those before a resume). */
  epochs: number;
  /** Steps in each epoch. */
  stepsPerEpoch: number;
  /** Runs the step at `position`; must pick its batch from the position alone so that resumes are exact. */
  step: (position: TrainPosition) => StepResult | Promise<StepResult>;
  /** Dev metric after each epoch, lower is better (perplexity, loss). */
  evaluate?: (epoch: number) => number | Promise<number>;
  /** Stop after this many evaluations without improvement. Default: never. */
  patience?: number;
  /** Progress callback. */
  onProgress?: (event: TrainEvent) => void;
  /** Stops the loop between steps. */
  signal?: AbortSignal;
  /** Call `checkpoint` every this many steps (and after every epoch). Default: only after epochs. */
  checkpointEvery?: number;
  /** Saves a checkpoint for the given loop state (use `encodeCheckpoint` and `writeFileAtomic`). */
  checkpoint?: (state: LoopState) => void | Promise<void>;
  /** Resume from a saved loop state. */
  resume?: LoopState;
}

/** How {@link trainLoop} ended. */
export interface TrainLoopResult {
  state: LoopState;
  stopped: 'completed' | 'aborted' | 'early-stopped';
}

const KEYS = ['epochs', 'stepsPerEpoch', 'step', 'evaluate', 'patience', 'onProgress', 'signal', 'checkpointEvery', 'checkpoint', 'resume'] as const;

/**
 * The training loop: steps, per-epoch evaluation with early stopping, periodic checkpoints, progress events and
 * cancellation. It owns no tensors: the model, optimizer and data live in the `step`/`evaluate` callbacks.
 */
export async function trainLoop(options: TrainLoopOptions): Promise<TrainLoopResult> {
  checkKeys('trainLoop options', options, KEYS);
  checkNumber('epochs', options.epochs, 0, 1e9, true);
  const perEpoch = checkNumber('stepsPerEpoch', options.stepsPerEpoch, 1, Number.MAX_SAFE_INTEGER, true);
  if (options.patience !== undefined) checkNumber('patience', options.patience, 1, 1e9, true);
  if (options.checkpointEvery !== undefined) checkNumber('checkpointEvery', options.checkpointEvery, 1, Number.MAX_SAFE_INTEGER, true);
  if (typeof options.step !== 'function') throw new RnnOptionError(`${PKG}: step must be a function, got ${typeof options.step}`);
  const state: LoopState = { ...(options.resume ?? { epoch: 0, step: 0, best: null, badEvaluations: 0, skipped: 0 }) };
  const emit = (e: TrainEvent): void => options.onProgress?.(e);
  const save = async (): Promise<void> => {
    if (options.checkpoint === undefined) return;
    await options.checkpoint({ ...state });
    emit({ type: 'checkpoint', state: { ...state } });
  };
  while (state.epoch < options.epochs) {
    const epochEnd = (state.epoch + 1) * perEpoch;
    while (state.step < epochEnd) {
      // Yield to the event loop so that an abort (or a UI) can run between steps.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (options.signal?.aborted === true) return { state: { ...state }, stopped: 'aborted' };
      const result = await options.step({ epoch: state.epoch, step: state.step });
      state.step += 1;
      if (result.skipped) state.skipped += 1;
      emit({ type: result.skipped ? 'skipped' : 'step', state: { ...state }, result });
      if (options.checkpointEvery !== undefined && state.step % options.checkpointEvery === 0 && state.step < epochEnd) await save();
    }
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
}
