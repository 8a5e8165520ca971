import { check } from './errors.js';

/** Where training is: 0-based epoch and global step. */
export interface TrainPosition {
  epoch: number;
  step: number;
}

/** Learning rate as a function of the training position. */
export type LrSchedule = (position: TrainPosition) => number;

/** A constant learning rate. */
export function constantLr(lr: number): LrSchedule {
  check.number(lr, 'lr', 0, 1e6);
  return () => lr;
}

/**
 * Zaremba et al. (2014)'s schedule: `initial` for the first `constantEpochs` epochs, then multiplied by `decay`
 * after every further epoch (small model: 1.0, 4 epochs, 0.5).
 */
export function zarembaLr(initial: number, constantEpochs: number, decay: number): LrSchedule {
  check.number(initial, 'initial', 0, 1e6);
  check.integer(constantEpochs, 'constantEpochs', 0, 1e6);
  check.number(decay, 'decay', 0, 1);
  return ({ epoch }) => initial * decay ** Math.max(0, epoch + 1 - constantEpochs);
}

/** Exponential decay per step: `initial · rate^(step / every)`. */
export function exponentialLr(initial: number, rate: number, every: number): LrSchedule {
  check.number(initial, 'initial', 0, 1e6);
  check.number(rate, 'rate', 0, 1);
  check.integer(every, 'every', 1, Number.MAX_SAFE_INTEGER);
  return ({ step }) => initial * rate ** (step / every);
}
