import type { LoopState, TrainLoopOptions } from '@nlpkit/train';

/** The options every trainer hands on to `trainLoop` unchanged. */
export interface LoopControlOptions {
  /** Report a `'step'` event every this many steps. Default 50. */
  readonly logEvery?: number;
  readonly checkpointEvery?: number;
  readonly signal?: AbortSignal;
}

/** `trainLoop`'s `logEvery` (default 50), `checkpointEvery`, `signal` and `resume` from a trainer's options. */
export function loopControl(options: LoopControlOptions, resume: LoopState | undefined): Pick<TrainLoopOptions, 'logEvery' | 'checkpointEvery' | 'signal' | 'resume'> {
  return {
    logEvery: options.logEvery ?? 50,
    ...(options.checkpointEvery !== undefined ? { checkpointEvery: options.checkpointEvery } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(resume !== undefined ? { resume } : {}),
  };
}
