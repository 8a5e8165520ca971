/**
 * The headers of ARPA text every writer shares — the in-memory writer (`arpaByteChunks`) and the out-of-core
 * estimator, whose lines both go through `writeArpaLines` — so both write the same bytes: lmplz's layout, numbers
 * as the shortest decimals that read back to the stored float32 values.
 */

/** `\data\` and one `ngram n=count` line per order (`counts[0]` = unigrams). */
export function arpaHeader(counts: readonly number[]): string {
  let header = '\\data\\\n';
  for (let n = 0; n < counts.length; n++) header += `ngram ${n + 1}=${counts[n]}\n`;
  return header;
}

/** The blank line and `\n-grams:` line opening the section of order `n` (1-based). */
export function arpaSectionHeader(n: number): string {
  return `\n\\${n}-grams:\n`;
}

/** The text closing an ARPA file. */
export const ARPA_END = '\n\\end\\\n';
