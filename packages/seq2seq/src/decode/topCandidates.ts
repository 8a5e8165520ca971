/** One way to extend a hypothesis: its row, the next token and the score after it. */
export interface Candidate {
  readonly row: number;
  readonly token: number;
  readonly score: number;
}

/** What {@link topCandidates} needs to know about one row before scoring its tokens. */
export interface RowRules {
  /** The row's score so far, added to every token's. */
  readonly base: number;
  /** Tokens the row may not take (n-gram repeat blocking). */
  readonly blocked: ReadonlySet<number>;
  /** Whether `</s>` is forbidden (the row is shorter than the minimum length). */
  readonly noEos: boolean;
}

/**
 * The `m` best extensions of `rows` hypotheses over a vocabulary of `vocab` tokens, best first: score
 * `base + values(row)[token]`, ties to the lower row, then the lower token. Impossible ones (`-Infinity`), blocked
 * tokens, and `</s>` where forbidden are never candidates. One pass with a sorted buffer of `m` entries: O(rows ·
 * vocab) comparisons, plus O(m) only for the few candidates that enter the buffer. `values` gives a row's values
 * for every token at once (a view of the decoder's log-probabilities, or an array with a language model fused in),
 * so the inner loop reads an array instead of calling back per token (a beam step over 5 × 4,568 tokens: ~2×).
 */
export function topCandidates(
  rows: number,
  vocab: number,
  m: number,
  rules: (row: number) => RowRules,
  values: (row: number) => ArrayLike<number>,
  eosId: number,
): Candidate[] {
  const scores = new Float64Array(m);
  const rowOf = new Int32Array(m);
  const tokenOf = new Int32Array(m);
  let count = 0;
  for (let r = 0; r < rows; r++) {
    const { base, blocked, noEos } = rules(r);
    const row = values(r);
    for (let v = 0; v < vocab; v++) {
      const score = base + row[v]!;
      // Strictly better than the worst kept: an equal score found later (higher row or token) loses the tie.
      if (!(score > -Infinity) || (count === m && !(score > scores[m - 1]!))) continue;
      if ((noEos && v === eosId) || (blocked.size > 0 && blocked.has(v))) continue;
      let pos = count < m ? count++ : m - 1;
      while (pos > 0 && scores[pos - 1]! < score) {
        scores[pos] = scores[pos - 1]!;
        rowOf[pos] = rowOf[pos - 1]!;
        tokenOf[pos] = tokenOf[pos - 1]!;
        pos--;
      }
      scores[pos] = score;
      rowOf[pos] = r;
      tokenOf[pos] = v;
    }
  }
  const out: Candidate[] = [];
  for (let i = 0; i < count; i++) out.push({ row: rowOf[i]!, token: tokenOf[i]!, score: scores[i]! });
  return out;
}
