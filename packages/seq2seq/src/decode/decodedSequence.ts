/**
 * One decoded target sentence (a greedy or sampled output, or one hypothesis of a beam's n-best list).
 *
 * Lengths: `ids` holds the generated tokens without `<s>` and `</s>`; a finished sequence also scored `</s>`, so it
 * took `ids.length + 1` decoder steps, an unfinished one (cut at the maximum length) `ids.length` steps.
 * `attention` has one row per step, `</s>`'s step included, so it can be drawn as a heatmap with the target tokens
 * (and `</s>`) down and the source tokens across.
 */
export interface DecodedSequence {
  /** Target token ids, without `<s>` and `</s>`. */
  readonly ids: number[];
  /** Whether the sequence ended with `</s>` (false: it was cut at the maximum length). */
  readonly finished: boolean;
  /** Sum of the translation model's natural-log probabilities of every step (`</s>` included when finished). */
  readonly logProb: number;
  /** Sum of the fused language model's log10 probabilities of every step; 0 without shallow fusion. */
  readonly lmLog10Prob: number;
  /**
   * The score the strategy ranked by: for greedy and sampling, `logProb + λ · ln 10 · lmLog10Prob` (just `logProb`
   * without fusion); for beam search, that sum normalized by the length penalty, plus the coverage penalty.
   */
  readonly score: number;
  /** One row per decoder step: the attention over this sentence's source positions (length = its source length). */
  readonly attention: Float32Array[];
}
