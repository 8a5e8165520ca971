// Small DecoderSessions for the decoding tests (not shipped: `*.test.*` files are left out of the package).
import { createRng } from '@nlpkit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import type { DecoderSession } from './decoderSession.js';

export const PAD = 0;
export const UNK = 1;
export const BOS = 2;
export const EOS = 3;

/** Unnormalized scores of the next token of `source` at decoder step `step` after `previous`; `-Infinity` = never. */
export type ToyLogits = (source: number, step: number, previous: number) => readonly number[];

/** A toy state: per row, its source and step on the CPU, plus one tensor so that leaks show in `tf.memory()`. */
export interface ToyState {
  readonly sources: Int32Array;
  readonly steps: Int32Array;
  readonly tensor: Tensor1D;
}

/** Counts of what a toy session was asked, for the tests that check batching. */
export interface ToyCalls {
  steps: number;
  maxRows: number;
}

/**
 * A DecoderSession whose next-token distribution is `logSoftmax(logits(source, step, previous))` (computed on the
 * active backend) and whose attention is a fixed pattern: 0.7 on position `step mod |src|`, the rest spread evenly.
 */
export function toySession(
  sourceLengths: readonly number[],
  vocab: number,
  logits: ToyLogits,
  calls: ToyCalls = { steps: 0, maxRows: 0 },
): DecoderSession<ToyState> & { readonly calls: ToyCalls; disposed: boolean } {
  const width = Math.max(0, ...sourceLengths);
  const state = (sources: Int32Array, steps: Int32Array): ToyState => ({ sources, steps, tensor: tf.tensor1d(steps, 'int32') });
  const session = {
    calls,
    disposed: false,
    sourceCount: sourceLengths.length,
    sourceLengths,
    maxSourceLength: width,
    targetVocabularySize: vocab,
    bosId: BOS,
    eosId: EOS,
    padId: PAD,
    unkId: UNK,
    start: (sources: Int32Array) => state(Int32Array.from(sources), new Int32Array(sources.length)),
    step(s: ToyState, previous: Int32Array) {
      const rows = s.sources.length;
      calls.steps++;
      calls.maxRows = Math.max(calls.maxRows, rows);
      const raw = new Float32Array(rows * vocab);
      const mask = new Float32Array(rows * vocab);
      const attention = new Float32Array(rows * width);
      for (let r = 0; r < rows; r++) {
        const scores = logits(s.sources[r]!, s.steps[r]!, previous[r]!);
        for (let v = 0; v < vocab; v++) {
          const x = v === PAD || v === BOS ? -Infinity : scores[v]!;
          raw[r * vocab + v] = x > -Infinity ? x : -1e4;
          mask[r * vocab + v] = x > -Infinity ? 1 : 0;
        }
        const length = sourceLengths[s.sources[r]!]!;
        for (let p = 0; p < length; p++) {
          attention[r * width + p] = length === 1 ? 1 : p === s.steps[r]! % length ? 0.7 : 0.3 / (length - 1);
        }
      }
      const logProbs = tf.tidy(() => {
        const lp = tf.logSoftmax(tf.tensor2d(raw, [rows, vocab]));
        return tf.where(tf.cast(tf.tensor2d(mask, [rows, vocab]), 'bool'), lp, tf.fill([rows, vocab], -Infinity)) as tf.Tensor2D;
      });
      return {
        logProbs,
        attention: tf.tensor2d(attention, [rows, width]),
        state: state(Int32Array.from(s.sources), s.steps.map((x) => x + 1)),
      };
    },
    select(s: ToyState, rows: Int32Array) {
      return state(
        Int32Array.from(rows, (r) => s.sources[r]!),
        Int32Array.from(rows, (r) => s.steps[r]!),
      );
    },
    disposeState(s: ToyState) {
      s.tensor.dispose();
    },
    dispose() {
      session.disposed = true;
    },
  };
  return session;
}

/**
 * Pseudo-random logits that depend on the source, the step and the previous token (a seeded table), with `</s>`
 * growing likelier with the step so that most hypotheses end.
 */
export function randomLogits(vocab: number, seed: number, eosGrowth = 0.6): ToyLogits {
  return (source, step, previous) => {
    const rng = createRng(seed * 1_000_003 + source * 10_007 + step * 101 + previous);
    const out: number[] = [];
    for (let v = 0; v < vocab; v++) out.push(rng.normal(0, 2));
    out[EOS] = out[EOS]! + eosGrowth * step - 1;
    return out;
  };
}

/** Log-probabilities of a toy step as a decoder sees them, for checking scores by hand (single row). */
export async function stepLogProbs(
  session: DecoderSession<ToyState>,
  source: number,
  prefix: readonly number[],
): Promise<Float32Array> {
  let state = session.start(Int32Array.of(source));
  const inputs = [BOS, ...prefix];
  for (let t = 0; ; t++) {
    const out = session.step(state, Int32Array.of(inputs[t]!));
    session.disposeState(state);
    state = out.state;
    out.attention.dispose();
    if (t === inputs.length - 1) {
      const data = (await out.logProbs.data()) as Float32Array;
      out.logProbs.dispose();
      session.disposeState(state);
      return data;
    }
    out.logProbs.dispose();
  }
}
