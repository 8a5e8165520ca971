import { UnknownNameError, describe } from './errors.js';
import { expectInteger } from './validate.js';

/** Options for {@link padSequences}. */
export interface PadOptions {
  /** Length of every row; default: the longest sequence (after `maxLength`). */
  readonly length?: number;
  /** Truncate sequences longer than this (default: no limit). */
  readonly maxLength?: number;
  /** Id used for padding (default 0, `<pad>` in a default vocabulary). */
  readonly padId?: number;
  /** Pad on the `'end'` (default) or the `'start'`. */
  readonly padding?: 'start' | 'end';
  /** Drop tokens from the `'end'` (default) or the `'start'` when truncating. */
  readonly truncation?: 'start' | 'end';
}

/** A padded batch: rectangular ids, a 1/0 mask of real tokens, and the length of each row before padding. */
export interface PaddedBatch {
  readonly ids: number[][];
  readonly mask: number[][];
  readonly lengths: number[];
}

/**
 * Pads (and truncates) id sequences into a rectangular batch with a mask and lengths, the shape an RNN or
 * attention layer wants.
 *
 * @example
 * padSequences([[5, 6, 7], [8]], { padId: 0 })
 * // → { ids: [[5, 6, 7], [8, 0, 0]], mask: [[1, 1, 1], [1, 0, 0]], lengths: [3, 1] }
 */
export function padSequences(sequences: readonly (readonly number[])[], options: PadOptions = {}): PaddedBatch {
  if (!Array.isArray(sequences)) {
    throw new TypeError(`@nlpkit/text: sequences must be an array of id arrays, got ${describe(sequences)}`);
  }
  const padId = options.padId ?? 0;
  if (!Number.isInteger(padId)) throw new TypeError(`@nlpkit/text: options.padId must be an integer, got ${describe(padId)}`);
  const padding = options.padding ?? 'end';
  const truncation = options.truncation ?? 'end';
  if (padding !== 'start' && padding !== 'end') throw new UnknownNameError('options.padding', ['start', 'end'], padding);
  if (truncation !== 'start' && truncation !== 'end') {
    throw new UnknownNameError('options.truncation', ['start', 'end'], truncation);
  }
  const maxLength = options.maxLength === undefined ? Infinity : expectInteger(options.maxLength, 'options.maxLength', 0);
  const cut = sequences.map((seq, i) => {
    if (!Array.isArray(seq)) throw new TypeError(`@nlpkit/text: sequences[${i}] must be an array, got ${describe(seq)}`);
    if (seq.length <= maxLength) return seq;
    return truncation === 'end' ? seq.slice(0, maxLength) : seq.slice(seq.length - maxLength);
  });
  const longest = cut.reduce((m, s) => Math.max(m, s.length), 0);
  const length = options.length === undefined ? longest : expectInteger(options.length, 'options.length', 0);
  const ids: number[][] = [];
  const mask: number[][] = [];
  const lengths: number[] = [];
  for (const seq0 of cut) {
    const seq = seq0.length > length ? (truncation === 'end' ? seq0.slice(0, length) : seq0.slice(seq0.length - length)) : seq0;
    const fill = length - seq.length;
    const pad = new Array<number>(fill).fill(padId);
    const zeros = new Array<number>(fill).fill(0);
    const ones = new Array<number>(seq.length).fill(1);
    ids.push(padding === 'end' ? [...seq, ...pad] : [...pad, ...seq]);
    mask.push(padding === 'end' ? [...ones, ...zeros] : [...zeros, ...ones]);
    lengths.push(seq.length);
  }
  return { ids, mask, lengths };
}

/**
 * Groups items into arrays of `size` (the last one may be shorter), lazily. Works on sync iterables; see
 * {@link batchAsync} for streams.
 */
export function* batch<T>(items: Iterable<T>, size: number): Generator<T[]> {
  expectInteger(size, 'size', 1);
  let current: T[] = [];
  for (const item of items) {
    current.push(item);
    if (current.length === size) {
      yield current;
      current = [];
    }
  }
  if (current.length > 0) yield current;
}

/** {@link batch} for async iterables (readers over large files). */
export async function* batchAsync<T>(items: AsyncIterable<T> | Iterable<T>, size: number): AsyncGenerator<T[]> {
  expectInteger(size, 'size', 1);
  let current: T[] = [];
  for await (const item of items) {
    current.push(item);
    if (current.length === size) {
      yield current;
      current = [];
    }
  }
  if (current.length > 0) yield current;
}
