import { corpusSegments, sentenceReferences, sumStatistics, type ReferenceStreams } from './corpusInput.js';
import { EmptyInputError, LengthMismatchError, expectString } from './errors.js';
import { pyFixed, pyRstrip, pySplit } from './pythonText.js';
import { formatSignature, nrefsValue, type SignatureFormat } from './signature.js';
import { translationEditRate } from './translationEditRate.js';

/** Settings for TER; the defaults are sacreBLEU's (case-insensitive, no normalization, punctuation kept). */
export interface TerOptions {
  /** Tercom normalization: unescape XML entities and split punctuation as Tercom does (default false). */
  readonly normalized?: boolean;
  /** Remove the punctuation `.,?:;!"()` (default false). */
  readonly noPunct?: boolean;
  /** Keep case (default false: both sides are lowercased). */
  readonly caseSensitive?: boolean;
  /**
   * Treat CJK text as Tercom does: with `normalized`, split CJK ideographs (and a few other CJK blocks) into
   * single characters; with `noPunct`, also remove CJK and full-width punctuation (default false).
   */
  readonly asianSupport?: boolean;
  /** How to print the signature. */
  readonly signature?: SignatureFormat;
}

/** A TER score with the edit counts behind it. */
export interface TerResult {
  /** TER in percent: edits per reference word × 100 (it can exceed 100). */
  readonly score: number;
  /** Total edits (shifts, insertions, deletions, substitutions), best reference per segment. */
  readonly numEdits: number;
  /** Sum over segments of the average reference length. */
  readonly refLength: number;
  /** sacreBLEU's signature, e.g. `nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0`. */
  readonly signature: string;
}

/** Streaming corpus TER: feed batches with `update`, read the score with `compute`. */
export interface TerMetric {
  /** Adds a batch of hypotheses with their reference streams. */
  update(hypotheses: readonly string[], references: ReferenceStreams): TerMetric;
  /** TER over everything added so far. Throws an EmptyInputError before the first segment. */
  compute(): TerResult;
  /** Per-segment statistics so far (`[bestEdits, averageRefLength]`), for bootstrap tests. */
  statistics(): readonly (readonly number[])[];
}

interface ResolvedTer {
  readonly normalized: boolean;
  readonly noPunct: boolean;
  readonly caseSensitive: boolean;
  readonly asianSupport: boolean;
  readonly signature: SignatureFormat;
}

function resolve(options: TerOptions): ResolvedTer {
  return {
    normalized: options.normalized ?? false,
    noPunct: options.noPunct ?? false,
    caseSensitive: options.caseSensitive ?? false,
    asianSupport: options.asianSupport ?? false,
    signature: options.signature ?? {},
  };
}

// Tercom's Western normalization (Normalizer.java), as sacreBLEU's TercomTokenizer writes it.
const RE_SYMBOLS = /([{-~[-`\x20-&(-+:-@/])/g;
const RE_PERIOD_AFTER = /([^0-9])([.,])/g;
const RE_PERIOD_BEFORE = /([.,])([^0-9])/g;
const RE_DASH = /([0-9])(-)/g;
const RE_PUNCT = /[.,?:;!"()]/g;

// Tercom's CJK handling, block by block as sacreBLEU lists them. The kana patterns are anchored at the start of
// the sentence, which (after normalization pads it with a space) means they never fire; kept for fidelity.
const RE_CJK = [
  /([\u4e00-\u9fff\u3400-\u4dbf])/g,
  /([\u31c0-\u31ef\u2e80-\u2eff])/g,
  /([\u3300-\u33ff\uf900-\ufaff\ufe30-\ufe4f])/g,
  /([\u3200-\u3f22])/g,
];
const RE_KANA = [
  /(^|^[\u3040-\u309f])([\u3040-\u309f]+)(?=$|^[\u3040-\u309f])/g,
  /(^|^[\u30a0-\u30ff])([\u30a0-\u30ff]+)(?=$|^[\u30a0-\u30ff])/g,
  /(^|^[\u31f0-\u31ff])([\u31f0-\u31ff]+)(?=$|^[\u31f0-\u31ff])/g,
];
const RE_ASIAN_PUNCT = /([\u3001\u3002\u3008-\u3011\u3014-\u301f\uff61-\uff65\u30fb])/g;
const RE_FULL_WIDTH_PUNCT = /([\uff0e\uff0c\uff1f\uff1a\uff1b\uff01\uff02\uff08\uff09])/g;

function normalizeAsian(text: string): string {
  let out = text;
  for (const re of RE_CJK) out = out.replace(re, ' $1 ');
  for (const re of RE_KANA) out = out.replace(re, '$1 $2 ');
  return out.replace(RE_ASIAN_PUNCT, ' $1 ').replace(RE_FULL_WIDTH_PUNCT, ' $1 ');
}

/** Tercom's tokenizer: lowercasing, optional normalization and punctuation removal, then single spaces. */
export function tokenizeTer(sentence: string, options: TerOptions = {}): string {
  expectString('sentence', sentence);
  const opts = resolve(options);
  if (sentence === '') return '';
  let text = opts.caseSensitive ? sentence : sentence.toLowerCase();
  if (opts.normalized) {
    text = text
      .replaceAll('\n-', '')
      .replaceAll('\n', ' ')
      .replaceAll('&quot;', '"')
      .replaceAll('&amp;', '&')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>');
    text = ` ${text} `
      .replace(RE_SYMBOLS, ' $1 ')
      .replaceAll("'s ", " 's ")
      .replace(/'s$/, " 's")
      .replace(RE_PERIOD_AFTER, '$1 $2 ')
      .replace(RE_PERIOD_BEFORE, ' $1 $2')
      .replace(RE_DASH, '$1 $2 ');
    if (opts.asianSupport) text = normalizeAsian(text);
  }
  if (opts.noPunct) {
    text = text.replace(RE_PUNCT, '');
    if (opts.asianSupport) text = text.replace(RE_ASIAN_PUNCT, '').replace(RE_FULL_WIDTH_PUNCT, '');
  }
  return pySplit(text).join(' ');
}

/** `[bestEdits, averageRefLength]` of one segment: the fewest edits over its references. */
function segmentStatistics(hypothesis: string, references: readonly string[], opts: ResolvedTer): number[] {
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
  if (statistics.length !== 2) throw new LengthMismatchError('statistics', 2, statistics.length, 'numbers ([edits, refLength])');
  const [edits, refLength] = statistics as [number, number];
  const rate = refLength > 0 ? edits / refLength : edits > 0 ? 1 : 0;
  return { score: 100 * rate, numEdits: Math.trunc(edits), refLength };
}

/** sacreBLEU's TER signature. */
export function terSignature(options: TerOptions = {}, nrefs: number | 'var' = 1): string {
  const opts = resolve(options);
  return formatSignature(
    nrefs,
    undefined,
    [
      { name: 'case', short: 'c', value: opts.caseSensitive ? 'mixed' : 'lc' },
      { name: 'tok', short: 't', value: 'tercom' },
      { name: 'norm', short: 'nr', value: opts.normalized },
      { name: 'punct', short: 'pn', value: !opts.noPunct },
      { name: 'asian', short: 'as', value: opts.asianSupport },
    ],
    opts.signature,
  );
}

/** Creates a streaming corpus TER metric; `corpusTer` is this with a single `update`. */
export function createTer(options: TerOptions = {}): TerMetric {
  const opts = resolve(options);
  const segments: number[][] = [];
  const refCounts = new Set<number>();
  const metric: TerMetric = {
    update(hypotheses, references) {
      const batch = corpusSegments(hypotheses, references);
      const stats = hypotheses.map((hyp, i) => segmentStatistics(hyp, batch.refs[i] as readonly string[], opts));
      segments.push(...stats);
      for (const c of batch.refCounts) refCounts.add(c);
      return metric;
    },
    compute() {
      if (segments.length === 0) throw new EmptyInputError('hypotheses');
      return { ...terFromStatistics(sumStatistics(segments, 2)), signature: terSignature(opts, nrefsValue(refCounts)) };
    },
    statistics() {
      return segments;
    },
  };
  return metric;
}

/**
 * Corpus TER identical to sacreBLEU's (its Tercom re-implementation with shift search): total edits over the
 * total average reference length, in percent.
 */
export function corpusTer(hypotheses: readonly string[], references: ReferenceStreams, options: TerOptions = {}): TerResult {
  return createTer(options).update(hypotheses, references).compute();
}

/** Sentence TER against one or more references. */
export function sentenceTer(hypothesis: string, references: readonly string[], options: TerOptions = {}): TerResult {
  return createTer(options)
    .update(
      [hypothesis],
      sentenceReferences(references).map((ref) => [ref]),
    )
    .compute();
}

/** sacreBLEU's one-line TER report, e.g. `TER = 51.28` (or `TER|<signature> = 51.28`). */
export function formatTer(result: TerResult, withSignature = false, width = 2): string {
  return `${withSignature ? `TER|${result.signature}` : 'TER'} = ${pyFixed(result.score, width)}`;
}
