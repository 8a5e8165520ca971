import type { TokenLike } from '@nlpkit/core';
import { beamSearch, type BeamSearchOptions } from '../decode/beamSearch.js';
import type { DecodedSequence } from '../decode/decodedSequence.js';
import { greedyDecode } from '../decode/greedyDecode.js';
import { check, Seq2seqOptionError } from '../errors.js';
import { seq2seqDecoderSession, type Seq2seqTranslator } from '../model/seq2seqDecoderSession.js';

/**
 * Options of {@link translateSentences}: beam search's (`beamSize` 1, the default here, decodes greedily) and the
 * number of sentences decoded together.
 */
export interface TranslateOptions extends Omit<BeamSearchOptions, 'beamSize'> {
  /** Beam size; 1 (default) decodes greedily. */
  readonly beamSize?: number;
  /** Sentences decoded together (default 32); sentences are sorted by length into batches, results keep the input order. */
  readonly batchSize?: number;
}

/** One translated sentence. */
export interface Translation {
  /** Target tokens, special tokens left out. */
  readonly tokens: string[];
  /** Target ids (without `<s>` and `</s>`). */
  readonly ids: number[];
  /** The score the decoder ranked by (see `DecodedSequence.score`). */
  readonly score: number;
  /** Natural-log probability of the translation under the model. */
  readonly logProb: number;
  /** One row per output step over the source tokens, the final column being the source's `</s>`. */
  readonly attention: Float32Array[];
  /** With `nBest` > 1: the hypotheses, best first (the first is this translation). */
  readonly nBest?: readonly { readonly tokens: string[]; readonly score: number }[];
}

const KEYS = ['beamSize', 'nBest', 'lengthPenalty', 'alpha', 'beta', 'noRepeatNgramSize', 'maxLength', 'minLength', 'fusion', 'batchSize', 'signal'] as const;

/**
 * Translates tokenized sentences with a model (`decodeSeq2seq`'s artifact or any `Seq2seqTranslator`): source tokens
 * missing from the source vocabulary become `<unk>`; an empty sentence gets an empty translation (score 0, no
 * decoder step). Greedy with `beamSize` 1, beam search otherwise; sentences of similar length are batched together.
 */
export async function translateSentences(model: Seq2seqTranslator, sentences: readonly (readonly TokenLike[])[], options: TranslateOptions = {}): Promise<Translation[]> {
  const o = check.options(options, 'options', [...KEYS]);
  if (!Array.isArray(sentences)) throw new Seq2seqOptionError({ argument: 'sentences', expected: 'an array of token arrays', found: sentences });
  const beamSize = check.integer(o.beamSize ?? 1, 'options.beamSize', 1, 1000);
  const nBest = check.integer(o.nBest ?? 1, 'options.nBest', 1, beamSize);
  const batchSize = check.integer(o.batchSize ?? 32, 'options.batchSize', 1, 1 << 16);
  const sources = sentences.map((s, i) => {
    if (!Array.isArray(s)) throw new Seq2seqOptionError({ argument: `sentences[${i}]`, expected: 'an array of tokens', found: s });
    return s.length === 0 ? [] : model.sourceVocabulary.encode(s, { eos: true });
  });
  const tokensOf = (ids: readonly number[]): string[] => model.targetVocabulary.decode(ids, { skipSpecials: true });
  const results: Translation[] = sentences.map(() => ({ tokens: [], ids: [], score: 0, logProb: 0, attention: [] }));
  const order = sources.map((_, i) => i).filter((i) => (sources[i] as number[]).length > 0);
  order.sort((a, b) => (sources[a] as number[]).length - (sources[b] as number[]).length || a - b);
  const shared = {
    ...(o.maxLength !== undefined ? { maxLength: o.maxLength } : {}),
    ...(o.minLength !== undefined ? { minLength: o.minLength } : {}),
    ...(o.fusion !== undefined ? { fusion: o.fusion } : {}),
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
  };
  const translation = (best: DecodedSequence, all?: readonly DecodedSequence[]): Translation => ({
    tokens: tokensOf(best.ids),
    ids: best.ids,
    score: best.score,
    logProb: best.logProb,
    attention: best.attention,
    ...(all !== undefined && nBest > 1 ? { nBest: all.map((h) => ({ tokens: tokensOf(h.ids), score: h.score })) } : {}),
  });
  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    const session = seq2seqDecoderSession(model, batch.map((i) => sources[i] as number[]));
    try {
      if (beamSize === 1) {
        const decoded = await greedyDecode(session, shared);
        batch.forEach((i, k) => (results[i] = translation(decoded[k] as DecodedSequence)));
      } else {
        const decoded = await beamSearch(session, {
          ...shared,
          beamSize,
          nBest,
          ...(o.lengthPenalty !== undefined ? { lengthPenalty: o.lengthPenalty } : {}),
          ...(o.alpha !== undefined ? { alpha: o.alpha } : {}),
          ...(o.beta !== undefined ? { beta: o.beta } : {}),
          ...(o.noRepeatNgramSize !== undefined ? { noRepeatNgramSize: o.noRepeatNgramSize } : {}),
        });
        batch.forEach((i, k) => {
          const list = decoded[k] as DecodedSequence[];
          results[i] = translation(list[0] as DecodedSequence, list);
        });
      }
    } finally {
      session.dispose();
    }
  }
  return results;
}
