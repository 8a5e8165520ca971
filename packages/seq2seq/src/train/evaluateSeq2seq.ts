import * as tf from '@tensorflow/tfjs-core';
import type { Vocabulary } from '@nlpkit/core';
import { corpusBleu } from '@nlpkit/metrics';
import { greedyDecode } from '../decode/greedyDecode.js';
import { seq2seqBatch, type Seq2seqPair } from '../data/seq2seqBatch.js';
import { check, PKG } from '../errors.js';
import { seq2seqDecoderSession, type Seq2seqModel } from '../model/seq2seqDecoderSession.js';
import { seq2seqLoss } from '../model/seq2seqLoss.js';
import { EmptyInputError } from '@nlpkit/core';

/** What {@link evaluateSeq2seq} measures. */
export interface Seq2seqEvaluation {
  /** Mean cross-entropy (nats) per predicted target token (`</s>` included, no label smoothing). */
  readonly loss: number;
  /** `exp(loss)`. */
  readonly perplexity: number;
  /** Predicted target tokens counted. */
  readonly tokens: number;
}

/** Teacher-forced loss of `pairs` in batches of `batchSize` (default 64), without dropout or label smoothing. */
export async function evaluateSeq2seq(model: Seq2seqModel, pairs: readonly Seq2seqPair[], batchSize = 64): Promise<Seq2seqEvaluation> {
  if (!Array.isArray(pairs) || pairs.length === 0) throw new EmptyInputError({ package: PKG, argument: 'pairs', expected: 'at least one sentence pair' });
  const size = check.integer(batchSize, 'batchSize', 1, 1 << 16);
  let total = 0;
  let tokens = 0;
  for (let start = 0; start < pairs.length; start += size) {
    const batch = seq2seqBatch(pairs.slice(start, start + size));
    const loss = tf.tidy(() => tf.mul(seq2seqLoss(model.config, model.params, batch), batch.tokens));
    total += (await loss.data())[0] as number;
    loss.dispose();
    tokens += batch.tokens;
  }
  return { loss: total / tokens, perplexity: Math.exp(total / tokens), tokens };
}

/** Options of {@link greedyTranslations} and {@link greedyBleu}. */
export interface GreedyTranslateOptions {
  /** Sources decoded together (default 64). */
  readonly batchSize?: number;
  /** Most target tokens per sentence (default `2·|source| + 10`). */
  readonly maxLength?: number;
}

/** Greedy translations of encoded sources as space-joined target tokens (special tokens dropped). */
export async function greedyTranslations(
  model: Seq2seqModel,
  sources: readonly (readonly number[])[],
  targetVocabulary: Vocabulary,
  options: GreedyTranslateOptions = {},
): Promise<string[]> {
  check.options(options, 'options', ['batchSize', 'maxLength']);
  const size = check.integer(options.batchSize ?? 64, 'options.batchSize', 1, 1 << 16);
  const out: string[] = [];
  for (let start = 0; start < sources.length; start += size) {
    const session = seq2seqDecoderSession(model, sources.slice(start, start + size));
    try {
      const decoded = await greedyDecode(session, options.maxLength === undefined ? {} : { maxLength: options.maxLength });
      for (const d of decoded) out.push(targetVocabulary.decode(d.ids, { skipSpecials: true }).join(' '));
    } finally {
      session.dispose();
    }
  }
  return out;
}

/**
 * Corpus BLEU (`corpusBleu` of `@nlpkit/metrics`, tokenize `'none'`: the text is tokenized already) of greedy
 * translations of `pairs`' sources against `references` (one tokenized reference string per pair).
 */
export async function greedyBleu(
  model: Seq2seqModel,
  pairs: readonly Seq2seqPair[],
  targetVocabulary: Vocabulary,
  references: readonly string[],
  options: GreedyTranslateOptions = {},
): Promise<number> {
  const hypotheses = await greedyTranslations(model, pairs.map((p) => p.source), targetVocabulary, options);
  return corpusBleu(hypotheses, [references], { tokenize: 'none' }).score;
}
