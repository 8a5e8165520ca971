import { constantLr, type ClipOptions, type LrSchedule } from '@nlpkit/train';
import { checkStreamIds, type LmStream } from '../data/lmStream.js';
import { RnnOptionError } from '../errors.js';
import { checkNumber } from '../validate.js';

/** `options.lr` as a schedule: a function as it is, a number (checked, `fallback` when absent) as a constant rate. */
export function trainerSchedule(lr: number | LrSchedule | undefined, fallback?: number): LrSchedule {
  if (typeof lr === 'function') return lr;
  return constantLr(checkNumber(lr ?? fallback, 'options.lr', 0, 1e6));
}

/** `options.clipNorm` (checked; `fallback` when absent) as `trainStep`'s clipping options; none when both are absent. */
export function trainerClip(clipNorm: number | undefined, fallback?: number): ClipOptions {
  const value = clipNorm ?? fallback;
  return value === undefined ? {} : { maxNorm: checkNumber(value, 'options.clipNorm', 0, Number.MAX_VALUE) };
}

/** Checks a language model trainer's `train` and `valid` streams: LmStreams whose ids are below `vocabSize`. */
export function checkLmTrainingStreams(train: LmStream, valid: LmStream | undefined, vocabSize: number): void {
  for (const [argument, stream] of [['options.train', train], ['options.valid', valid]] as const) {
    if (stream === undefined && argument === 'options.valid') continue;
    if (stream === null || typeof stream !== 'object' || !(stream.targets instanceof Int32Array) || !(stream.inputs instanceof Int32Array)) {
      throw new RnnOptionError({ argument, expected: 'an LmStream (from lmStream or lmStreamFromIds)', found: stream });
    }
    checkStreamIds(stream.targets, vocabSize, `${argument}.targets`);
    checkStreamIds(stream.inputs, vocabSize, `${argument}.inputs`);
  }
}
