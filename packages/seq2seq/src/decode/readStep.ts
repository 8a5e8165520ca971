import type { DecoderSession } from './decoderSession.js';

/** One decoder step read back from the device: plain arrays the strategies select from. */
export interface ReadStep<S> {
  /** `[rows, targetVocabularySize]`, row-major natural-log probabilities. */
  readonly logProbs: Float32Array;
  /** `[rows, maxSourceLength]`, row-major attention weights. */
  readonly attention: Float32Array;
  /** The state after the step (the caller owns it). */
  readonly state: S;
}

/**
 * Runs `session.step` and reads its outputs back, disposing the output tensors (the state stays the caller's).
 * Throws the signal's reason when `signal` is aborted.
 * Asynchronous because WebGPU can only read back asynchronously; the two reads are issued together.
 */
export async function readStep<S>(session: DecoderSession<S>, state: S, previous: Int32Array, signal?: AbortSignal): Promise<ReadStep<S>> {
  // Checked before every step: a long decode stops within one step of an abort (the caller's finally frees its state).
  signal?.throwIfAborted();
  const out = session.step(state, previous);
  try {
    const [logProbs, attention] = await Promise.all([out.logProbs.data(), out.attention.data()]);
    return { logProbs: logProbs as Float32Array, attention: attention as Float32Array, state: out.state };
  } catch (error) {
    session.disposeState(out.state);
    throw error;
  } finally {
    out.logProbs.dispose();
    out.attention.dispose();
  }
}

/**
 * A state holding only `rows` of `state` (which has `rowCount` rows); disposes `state` unless it is returned as is
 * (decoding loops keep one state at a time).
 */
export function keepRows<S>(session: DecoderSession<S>, state: S, rows: Int32Array, rowCount: number): S {
  // Nothing dropped or reordered: keep the state as it is rather than copy it.
  if (rows.length === rowCount && rows.every((r, i) => r === i)) return state;
  const next = session.select(state, rows);
  session.disposeState(state);
  return next;
}
