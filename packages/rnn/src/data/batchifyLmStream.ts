import { EmptyInputError } from '@nlpkit/core';
import { PKG, RnnOptionError } from '../errors.js';
import { checkKeys, checkNumber, checkOneOf } from '../validate.js';
import type { LmStream } from './lmStream.js';

/**
 * An {@link LmStream} laid out as `[batchSize, columns]` (row-major): row `b` holds the `b`-th contiguous slice of
 * the stream, so each row is read left to right across segments with its state carried (Zaremba et al. 2014's
 * reader, PyTorch's `batchify`).
 */
export interface LmBatches {
  readonly batchSize: number;
  readonly columns: number;
  /** `[batchSize · columns]` input ids, row-major; padding (with `remainder: 'pad'`) is `<pad>`. */
  readonly inputs: Int32Array;
  /** `[batchSize · columns]` target ids, row-major. */
  readonly targets: Int32Array;
  /** Valid columns of each row: all `columns`, except the tail rows with `remainder: 'pad'`. */
  readonly lengths: Int32Array;
  /** Predictions held (`Σ lengths`). */
  readonly tokens: number;
}

/** Options of {@link batchifyLmStream}. */
export interface BatchifyOptions {
  /**
   * What to do with the `length mod batchSize` ids that do not fill a column: `'drop'` them (default; training, as
   * the papers do) or `'pad'` the last rows so that every id is scored once (evaluation).
   */
  readonly remainder?: 'drop' | 'pad';
}

/**
 * Lays an {@link LmStream} out as `[batchSize, columns]`. With `remainder: 'drop'`, `columns = ⌊n / batchSize⌋`
 * and the last `n mod batchSize` ids are left out; with `'pad'`, `columns = ⌈n / batchSize⌉` and the rows past the
 * end are padded (their `lengths` say how much is real).
 * @throws EmptyInputError when the stream has fewer ids than rows with `'drop'`
 */
export function batchifyLmStream(stream: LmStream, batchSize: number, options: BatchifyOptions = {}): LmBatches {
  checkKeys(options, 'options', ['remainder']);
  const remainder = checkOneOf(options.remainder ?? 'drop', 'options.remainder', ['drop', 'pad']);
  const B = checkNumber(batchSize, 'batchSize', 1, 1 << 20, true);
  if (stream === null || typeof stream !== 'object' || !(stream.targets instanceof Int32Array) || !(stream.inputs instanceof Int32Array)) {
    throw new RnnOptionError({ argument: 'stream', expected: 'an LmStream (from lmStream or lmStreamFromIds)', found: stream });
  }
  const n = stream.targets.length;
  const columns = remainder === 'drop' ? Math.floor(n / B) : Math.ceil(n / B);
  if (columns === 0) {
    throw new EmptyInputError({ package: PKG, argument: 'stream', expected: `at least ${B} ids for batchSize ${B} (it has ${n})` });
  }
  const inputs = new Int32Array(B * columns);
  const targets = new Int32Array(B * columns);
  const lengths = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const start = b * columns;
    const len = Math.max(0, Math.min(columns, n - start));
    lengths[b] = len;
    inputs.set(stream.inputs.subarray(start, start + len), b * columns);
    targets.set(stream.targets.subarray(start, start + len), b * columns);
  }
  const tokens = lengths.reduce((a, l) => a + l, 0);
  return Object.freeze({ batchSize: B, columns, inputs, targets, lengths, tokens });
}
