import type { Tensor2D } from '@tensorflow/tfjs-core';

/**
 * What one decoder step gives back for every row (hypothesis) of a decoder state.
 * The caller owns `logProbs` and `attention` and disposes them; `state` is a new state the caller owns too.
 */
export interface DecoderStepOutput<S> {
  /** Natural-log probabilities over the target vocabulary, `[rows, targetVocabularySize]`; `-Infinity` for `<pad>` and `<s>`. */
  readonly logProbs: Tensor2D;
  /**
   * Attention weights over the source positions, `[rows, maxSourceLength]`: each row sums to 1 over its source's
   * valid positions and is exactly 0 on padding.
   */
  readonly attention: Tensor2D;
  readonly state: S;
}

/**
 * A model's decoder bound to a batch of encoded source sentences: the one interface every decoding strategy
 * (greedy, beam search, sampling, shallow fusion) is written against, so strategies never see model internals.
 *
 * Rows and sources: a state holds any number of rows; each row decodes one source sentence (several rows may decode
 * the same source: the hypotheses of a beam). States are immutable; `step` and `select` return new states and never
 * dispose their input — the caller disposes states it no longer needs with {@link disposeState}.
 */
export interface DecoderSession<S> {
  /** Number of source sentences bound to this session. */
  readonly sourceCount: number;
  /** Valid source positions of each sentence (the attention's support). */
  readonly sourceLengths: readonly number[];
  /** Width of the attention rows, `max(sourceLengths)`. */
  readonly maxSourceLength: number;
  readonly targetVocabularySize: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  readonly unkId: number;
  /** The initial decoder state for rows that decode `sources[i]` (indices into the bound sentences). */
  start(sources: Int32Array): S;
  /** One step: feed `previous[i]` (a target id) to row `i`. */
  step(state: S, previous: Int32Array): DecoderStepOutput<S>;
  /** A state whose row `i` is row `rows[i]` of `state`, decoding the same source (beam reordering, dropping finished rows). */
  select(state: S, rows: Int32Array): S;
  disposeState(state: S): void;
  /** Frees the encoder outputs held by the session. */
  dispose(): void;
}
