import { LengthMismatchError } from '@nlpkit/core';
import { sentenceReferences } from './corpusMetric.js';
import { PKG, check } from './errors.js';
import { pyRstrip, pySplit } from './pythonText.js';
import type { SignatureFormat } from './signature.js';
import { resolveTerTokenizerOptions, tokenizeTer, type ResolvedTerTokenizer, type TerTokenizerOptions } from './tokenizeTer.js';
import { translationEditRate } from './translationEditRate.js';

/** Settings for TER; the defaults are sacreBLEU's (case-insensitive, no normalization, punctuation kept). */
export interface TerOptions extends TerTokenizerOptions {
  /** How to print the signature. */
  readonly signature?: SignatureFormat;
}

/** TER options with every default filled in and checked. */
export interface ResolvedTer extends ResolvedTerTokenizer {
  readonly signature: SignatureFormat;
}

/** Fills in and checks TER options. */
export function resolveTerOptions(options: TerOptions = {}): ResolvedTer {
  check.options(options, 'options', ['normalized', 'noPunct', 'caseSensitive', 'asianSupport', 'signature']);
  return { ...resolveTerTokenizerOptions(options), signature: options.signature ?? {} };
}

/** `[bestEdits, averageRefLength]` of one segment: the fewest edits over its references. */
export function segmentStatistics(hypothesis: string, references: readonly string[], opts: ResolvedTer): number[] {
  const hypWords = pySplit(tokenizeTer(pyRstrip(hypothesis), opts));
  let refLengths = 0;
  let best = 1e16;
  for (const ref of references) {
    const { edits, refLength } = translationEditRate(hypWords, pySplit(tokenizeTer(pyRstrip(ref), opts)));
    refLengths += refLength;
    if (edits < best) best = edits;
  }
  return [best, refLengths / references.length];
}

/** TER from summed statistics `[edits, refLength]`; an empty reference side scores 100 if anything was edited. */
export function terFromStatistics(statistics: readonly number[]): { readonly score: number; readonly numEdits: number; readonly refLength: number } {
  if (statistics.length !== 2) {
    throw new LengthMismatchError({ package: PKG, argument: 'statistics', expectedLength: 2, foundLength: statistics.length, items: 'numbers ([edits, refLength])' });
  }
  const [edits, refLength] = statistics as [number, number];
  const rate = refLength > 0 ? edits / refLength : edits > 0 ? 1 : 0;
  return { score: 100 * rate, numEdits: Math.trunc(edits), refLength };
}

/** Statistics of one segment against its references: `[fewest edits, average reference length]`. */
export function terSegmentStatistics(hypothesis: string, references: readonly string[], options: TerOptions = {}): number[] {
  check.string(hypothesis, 'hypothesis');
  return segmentStatistics(hypothesis, sentenceReferences(references), resolveTerOptions(options));
}
