import { createRng } from '@nlpkit/core';
import { RnnOptionError } from '../errors.js';
import { checkNumber } from '../validate.js';

/** Options of {@link classifierBatches}. */
export interface ClassifierBatchesOptions {
  /** Examples per batch (the last batch of an epoch may be smaller). */
  readonly batchSize: number;
  /** Seeds the shuffle; with `epoch`, it alone decides the batches (so a resumed run sees the same ones). */
  readonly seed: number;
  /** The epoch the batches are for (each epoch is shuffled differently). Default 0. */
  readonly epoch?: number;
  /**
   * Batches sorted together by length: examples are shuffled, cut into pools of `bucketBatches · batchSize`,
   * each pool is sorted by length and cut into batches, and the batches are shuffled. 1 = no bucketing. Default 50.
   */
  readonly bucketBatches?: number;
  /** Keep the order of the examples (evaluation): no shuffle, no bucketing. Default false. */
  readonly ordered?: boolean;
}

/** Fisher–Yates shuffle in place with a seeded generator. */
function shuffle<T>(items: T[], next: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/**
 * Index batches over examples of the given lengths: shuffled with a seeded generator and bucketed by length, so
 * the rows of a batch have similar lengths and padding stays small. Deterministic in `(seed, epoch)`. Every batch
 * is a list of example indices; every index appears exactly once per epoch.
 */
export function classifierBatches(lengths: readonly number[], options: ClassifierBatchesOptions): number[][] {
  if (!Array.isArray(lengths)) throw new RnnOptionError({ argument: 'lengths', expected: 'an array of example lengths', found: lengths });
  const size = checkNumber(options.batchSize, 'options.batchSize', 1, 1 << 20, true);
  const indices = lengths.map((_, i) => i);
  if (options.ordered === true) return Array.from({ length: Math.ceil(indices.length / size) }, (_, k) => indices.slice(k * size, (k + 1) * size));
  const seed = checkNumber(options.seed, 'options.seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  const epoch = checkNumber(options.epoch ?? 0, 'options.epoch', 0, 1e9, true);
  const pool = size * checkNumber(options.bucketBatches ?? 50, 'options.bucketBatches', 1, 1e6, true);
  // One generator per epoch, derived from the seed, so any epoch's batches can be made without the ones before.
  const rng = createRng(((seed >>> 0) ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
  const next = (): number => rng.next();
  shuffle(indices, next);
  const batches: number[][] = [];
  for (let start = 0; start < indices.length; start += pool) {
    const chunk = indices.slice(start, start + pool).sort((a, b) => (lengths[a] as number) - (lengths[b] as number));
    for (let k = 0; k < chunk.length; k += size) batches.push(chunk.slice(k, k + size));
  }
  return shuffle(batches, next);
}
