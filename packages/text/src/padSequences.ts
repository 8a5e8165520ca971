import { PAD_ID } from '@nlpkit/core';
import { check } from './errors.js';

/** Options for {@link padSequences}. */
export interface PadOptions {
  /** Length of every row; default: the longest sequence (after `maxLength`). */
  readonly length?: number;
  /** Truncate sequences longer than this (default: no limit). */
  readonly maxLength?: number;
  /** Id used for padding (default `PAD_ID` from `@nlpkit/core`, 0: `<pad>` in every nlpkit vocabulary). */
  readonly padId?: number;
  /**
   * Pad on the `'end'` (default) or the `'start'`. Keep `'end'` for `@nlpkit/rnn`: its layers read the first
   * `lengths[b]` steps of row `b`.
   */
  readonly padding?: 'start' | 'end';
  /** Drop tokens from the `'end'` (default) or the `'start'` when truncating. */
  readonly truncation?: 'start' | 'end';
}

/** A padded batch: rectangular ids, a 1/0 mask of real tokens, and the length of each row before padding. */
export interface PaddedBatch {
  /** `[batch][time]` ids, padded with `padId`. */
  readonly ids: number[][];
  /** `[batch][time]`: 1 for a real token, 0 for padding. */
  readonly mask: number[][];
  /**
   * Real tokens per row. This is what `@nlpkit/rnn` takes as its `lengths` option for right-padded batches (end
   * padding, the default): `recurrentLmForward(config, params, ids, { lengths })`, `recurrentLmLoss(logits,
   * targets, { lengths })`, and the layers `recurrent`/`rnnStack(config, params, x, { lengths })`.
   */
  readonly lengths: number[];
}

const KEYS = ['length', 'maxLength', 'padId', 'padding', 'truncation'] as const;

/**
 * Pads (and truncates) id sequences into a rectangular batch with a mask and lengths: the shape an RNN or
 * attention layer wants. The output feeds `@nlpkit/rnn` directly: `ids` as the token ids of
 * `recurrentLmForward` (a `number[][]` is accepted as it is) and `lengths` as its `lengths` option. Padding uses
 * `<pad>` (id 0) unless `padId` says otherwise.
 *
 * @param sequences id arrays, e.g. `vocabulary.encode(tokens)` from `@nlpkit/core`
 * @example
 * padSequences([[5, 6, 7], [8]])
 * // → { ids: [[5, 6, 7], [8, 0, 0]], mask: [[1, 1, 1], [1, 0, 0]], lengths: [3, 1] }
 */
export function padSequences(sequences: readonly (readonly number[])[], options: PadOptions = {}): PaddedBatch {
  check.array(sequences, 'sequences');
  check.options(options, 'options', [...KEYS]);
  const padId = check.integer(options.padId ?? PAD_ID, 'options.padId');
  const padding = check.oneOf(options.padding ?? 'end', 'options.padding', ['start', 'end']);
  const truncation = check.oneOf(options.truncation ?? 'end', 'options.truncation', ['start', 'end']);
  const maxLength = options.maxLength === undefined ? Infinity : check.integer(options.maxLength, 'options.maxLength', 0);
  const cut = sequences.map((seq, i) => {
    check.array(seq, `sequences[${i}]`);
    if (seq.length <= maxLength) return seq;
    return truncation === 'end' ? seq.slice(0, maxLength) : seq.slice(seq.length - maxLength);
  });
  const longest = cut.reduce((m, s) => Math.max(m, s.length), 0);
  const length = options.length === undefined ? longest : check.integer(options.length, 'options.length', 0);
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
