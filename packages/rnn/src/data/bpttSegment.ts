import { RnnOptionError } from '../errors.js';
import { checkNumber } from '../validate.js';
import type { LmBatches } from './batchifyLmStream.js';

/** One truncated-BPTT segment of {@link LmBatches}: columns `start` to `start + steps`. */
export interface BpttSegment {
  /** Segment number in the epoch, from 0. */
  readonly index: number;
  /** First column. */
  readonly start: number;
  /** Time steps (`bptt`, fewer for the last segment). */
  readonly steps: number;
  readonly batchSize: number;
  /** `[batchSize, steps]` input ids, row-major. */
  readonly inputs: Int32Array;
  /** `[batchSize, steps]` target ids, row-major. */
  readonly targets: Int32Array;
  /** Valid steps per row when some row ends inside this segment (padded batches only); otherwise absent. */
  readonly lengths?: readonly number[];
  /** Predictions in the segment. */
  readonly tokens: number;
}

/** Segments in one pass over `batches`: `⌈columns / bptt⌉` (the last one may be shorter). */
export function bpttSegmentCount(batches: LmBatches, bptt: number): number {
  checkNumber(bptt, 'bptt', 1, 1 << 20, true);
  return Math.ceil(batches.columns / bptt);
}

/**
 * Segment `index` of `batches` for truncated backpropagation through time: inputs and targets of `bptt` columns
 * (fewer at the end). A pure function of its arguments, so a training position always maps to the same data
 * and a resumed run reads exactly what an uninterrupted one would have. Carry the recurrent state from segment
 * `k` into `k + 1`, detached, and start from zeros at segment 0.
 */
export function bpttSegment(batches: LmBatches, index: number, bptt: number): BpttSegment {
  const count = bpttSegmentCount(batches, bptt);
  checkNumber(index, 'index', 0, count - 1, true);
  if (batches === null || typeof batches !== 'object' || !(batches.inputs instanceof Int32Array)) {
    throw new RnnOptionError({ argument: 'batches', expected: 'LmBatches (from batchifyLmStream)', found: batches });
  }
  const { batchSize: B, columns } = batches;
  const start = index * bptt;
  const steps = Math.min(bptt, columns - start);
  const inputs = new Int32Array(B * steps);
  const targets = new Int32Array(B * steps);
  const lengths: number[] = [];
  let short = false;
  let tokens = 0;
  for (let b = 0; b < B; b++) {
    inputs.set(batches.inputs.subarray(b * columns + start, b * columns + start + steps), b * steps);
    targets.set(batches.targets.subarray(b * columns + start, b * columns + start + steps), b * steps);
    const len = Math.max(0, Math.min(steps, (batches.lengths[b] as number) - start));
    if (len < steps) short = true;
    lengths.push(len);
    tokens += len;
  }
  return Object.freeze({ index, start, steps, batchSize: B, inputs, targets, ...(short ? { lengths: Object.freeze(lengths) } : {}), tokens });
}
