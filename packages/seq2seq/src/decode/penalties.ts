/** How beam search normalizes a hypothesis's log-probability by its length `|Y|` (decoder steps, `</s>` included). */
export type LengthPenaltyKind = 'none' | 'gnmt' | 'average';

/** The length penalties {@link beamSearch} accepts. */
export const LENGTH_PENALTIES: readonly LengthPenaltyKind[] = Object.freeze(['none', 'gnmt', 'average']);

/**
 * The divisor of a hypothesis's log-probability: 1 (`none`), `((5 + |Y|) / (5 + 1))^α` (`gnmt`, Wu et al. 2016)
 * or `|Y|` (`average`; 1 for an empty hypothesis).
 */
export function lengthPenalty(kind: LengthPenaltyKind, alpha: number, length: number): number {
  if (kind === 'gnmt') return ((5 + length) / 6) ** alpha;
  if (kind === 'average') return Math.max(1, length);
  return 1;
}

/**
 * A sum of attention weights below this counts as this much, so a source position no step attended to costs
 * `β · ln 1e-9` instead of making the score `-Infinity` (which would rank every such hypothesis equal).
 */
export const COVERAGE_FLOOR = 1e-9;

/**
 * GNMT's coverage penalty `β · Σ_i ln(min(Σ_j a_ij, 1))`: `coverage[i]` is the attention source position `i`
 * received, summed over the target steps `j`. 0 when every position received a total weight of at least 1;
 * negative otherwise, so translations that leave source words unattended rank lower.
 */
export function coveragePenalty(beta: number, coverage: ArrayLike<number>): number {
  if (beta === 0) return 0;
  let sum = 0;
  for (let i = 0; i < coverage.length; i++) sum += Math.log(Math.max(COVERAGE_FLOOR, Math.min(1, coverage[i]!)));
  return beta * sum;
}
