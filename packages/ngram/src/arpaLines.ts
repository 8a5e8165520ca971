import { formatFloat32 } from './formatFloat32.js';

/**
 * The pieces of ARPA text every writer shares — the in-memory writer (`arpaByteChunks`, which formats numbers the same way) and the out-of-core estimator —
 * so both write the same bytes: lmplz's layout, numbers as the shortest decimals that read back to the stored
 * float32 values.
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

/**
 * A formatter of ARPA n-gram lines: `log10 p<TAB>words<TAB>log10 backoff` (no backoff column when `log10Backoff`
 * is undefined: the highest order). Many numbers repeat (the backoff of every context seen once, the
 * probabilities of singletons): a small cache of their text skips most of the float → shortest-decimal work.
 * Bounded: cleared when full. Create one per file written (no module-level state).
 */
export function createArpaLineFormat(): (log10Prob: number, words: string, log10Backoff: number | undefined) => string {
  const cache = new Map<number, string>();
  const format = (x: number): string => {
    let text = cache.get(x);
    if (text === undefined) {
      if (cache.size >= 1 << 16) cache.clear();
      text = formatFloat32(x);
      cache.set(x, text);
    }
    return text;
  };
  return (log10Prob, words, log10Backoff) =>
    log10Backoff === undefined ? `${format(log10Prob)}\t${words}\n` : `${format(log10Prob)}\t${words}\t${format(log10Backoff)}\n`;
}
