import * as tf from '@tensorflow/tfjs-core';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import type { Span } from '@nlpkit/core';
import { checkSyncRead } from '@nlpkit/tensor';
import { PKG, RnnOptionError, RnnShapeError } from '../errors.js';
import { checkKeys, checkNumber } from '../validate.js';
import { crfConstraints, type CrfConstraints } from './crfConstraints.js';
import { checkModelParams } from '../models/modelArtifact.js';
import { checkSequenceTaggerConfig, sequenceTaggerEmissions, sequenceTaggerShapes, type SequenceTaggerConfig, type SequenceTaggerParams } from './sequenceTagger.js';
import { encodeTaggerBatch, type TaggerVocabularies } from './taggerData.js';
import { schemeSpans } from './tagSpans.js';
import { argmaxPath, crfScores, crfScoresAsync, viterbiPath, type CrfScores } from './viterbi.js';

/** What {@link sequenceTagger} takes: a trained model and its vocabularies. */
export interface SequenceTaggerOptions {
  readonly config: SequenceTaggerConfig;
  readonly params: SequenceTaggerParams;
  readonly vocabularies: TaggerVocabularies;
}

/** Options of the prediction methods. */
export interface PredictTagsOptions {
  /** Sentences run together (default 32). */
  readonly batchSize?: number;
}

/** A ready-to-use tagger: sentences of words in, tags or spans out. */
export interface SequenceTagger {
  readonly config: SequenceTaggerConfig;
  readonly params: SequenceTaggerParams;
  readonly vocabularies: TaggerVocabularies;
  /** The scheme's constraints over the tag set (absent without `config.scheme`). */
  readonly constraints: CrfConstraints | undefined;
  /**
   * One tag per word. The CRF decodes with Viterbi; softmax scores are decoded the same way with zero transition
   * scores — the per-token argmax, except that with a scheme both only produce sequences the scheme allows.
   */
  predict(sentences: readonly (readonly string[])[], options?: PredictTagsOptions): string[][];
  /** The entities of each sentence (needs `config.scheme`). */
  predictSpans(sentences: readonly (readonly string[])[], options?: PredictTagsOptions): Span[][];
  /**
   * `predict`, reading scores with `await tensor.data()`: the same tags on every backend, webgpu included (where
   * the synchronous methods throw an `UnsupportedError`, as tfjs-backend-webgpu's synchronous read returns zeros
   * in headless Chromium).
   */
  predictAsync(sentences: readonly (readonly string[])[], options?: PredictTagsOptions): Promise<string[][]>;
  /** `predictSpans`, reading asynchronously (see `predictAsync`). */
  predictSpansAsync(sentences: readonly (readonly string[])[], options?: PredictTagsOptions): Promise<Span[][]>;
}

/**
 * Best tag ids per row from per-token scores `[batch, T, K]` (one host read): Viterbi with the CRF's scores, or
 * over log-softmax scores with zero transitions for a softmax tagger (the per-token argmax when there are no
 * constraints); constrained when `constraints` are given.
 */
export function decodeTagIds(
  config: SequenceTaggerConfig,
  params: SequenceTaggerParams,
  emissions: Tensor3D,
  lengths: readonly number[],
  constraints: CrfConstraints | undefined,
): number[][] {
  checkSyncRead({ package: PKG, what: 'decodeTagIds', alternative: 'decodeTagIdsAsync' });
  const [, T, K] = emissions.shape;
  const scores: CrfScores =
    config.output === 'crf' && params.crf !== undefined
      ? crfScores(params.crf)
      : { numTags: K, transitions: new Float64Array(K * K), start: new Float64Array(K), end: new Float64Array(K) };
  let values: Float32Array;
  if (config.output === 'crf') values = emissions.dataSync() as Float32Array;
  else {
    const logProbs = tf.logSoftmax(emissions);
    values = logProbs.dataSync() as Float32Array;
    logProbs.dispose();
  }
  return decodePaths(scores, values, lengths, T, K, config.output !== 'crf' && constraints === undefined, constraints);
}

/**
 * Each row's path: Viterbi, or — for softmax scores with no constraints, where Viterbi with zero transitions is the
 * per-token argmax — the argmax directly (O(T·K), not O(T·K²)).
 */
function decodePaths(
  scores: CrfScores, values: Float32Array, lengths: readonly number[], T: number, K: number, argmax: boolean, constraints: CrfConstraints | undefined,
): number[][] {
  return lengths.map((len, b) => {
    const rows = values.subarray(b * T * K, (b + 1) * T * K);
    return argmax ? argmaxPath(rows, len, K) : viterbiPath(scores, rows, len, constraints);
  });
}

/** {@link decodeTagIds} reading the scores asynchronously (`await tensor.data()`): for every backend, webgpu included. */
export async function decodeTagIdsAsync(
  config: SequenceTaggerConfig,
  params: SequenceTaggerParams,
  emissions: Tensor3D,
  lengths: readonly number[],
  constraints: CrfConstraints | undefined,
): Promise<number[][]> {
  const [, T, K] = emissions.shape;
  const scores: CrfScores =
    config.output === 'crf' && params.crf !== undefined
      ? await crfScoresAsync(params.crf)
      : { numTags: K, transitions: new Float64Array(K * K), start: new Float64Array(K), end: new Float64Array(K) };
  let values: Float32Array;
  if (config.output === 'crf') values = (await emissions.data()) as Float32Array;
  else {
    const logProbs = tf.logSoftmax(emissions);
    try {
      values = (await logProbs.data()) as Float32Array;
    } finally {
      logProbs.dispose();
    }
  }
  return decodePaths(scores, values, lengths, T, K, config.output !== 'crf' && constraints === undefined, constraints);
}

/**
 * Wraps a trained tagger (from `trainSequenceTagger` or `decodeSequenceTagger`) for prediction. Sentences are
 * arrays of word strings; empty sentences get empty results. Tensors stay owned by the caller.
 */
export function sequenceTagger(options: SequenceTaggerOptions): SequenceTagger {
  checkKeys(options, 'options', ['config', 'params', 'vocabularies']);
  const config = checkSequenceTaggerConfig(options.config, 'options.config');
  const { params, vocabularies } = options;
  checkModelParams(params, sequenceTaggerShapes(config), 'options.params', config);
  if (vocabularies.tags.length !== config.numTags) {
    throw new RnnShapeError({ argument: 'options.vocabularies.tags', expected: `config.numTags (${config.numTags}) tags`, found: vocabularies.tags.length });
  }
  if (vocabularies.words.size !== config.wordVocabSize) {
    throw new RnnShapeError({ argument: 'options.vocabularies.words.size', expected: `config.wordVocabSize (${config.wordVocabSize})`, found: vocabularies.words.size });
  }
  if (config.chars !== undefined && vocabularies.chars?.size !== config.chars.vocabSize) {
    throw new RnnShapeError({ argument: 'options.vocabularies.chars.size', expected: `config.chars.vocabSize (${config.chars.vocabSize})`, found: vocabularies.chars?.size });
  }
  const constraints = config.scheme === undefined ? undefined : crfConstraints(vocabularies.tags, config.scheme);
  /** Checks the arguments; the batches of sentence indexes, longest first, so each batch pads little (rows do not affect each other). */
  const plan = (sentences: readonly (readonly string[])[], opts: PredictTagsOptions): number[][] => {
    checkKeys(opts, 'options', ['batchSize']);
    const size = checkNumber(opts.batchSize ?? 32, 'options.batchSize', 1, 1 << 16, true);
    if (!Array.isArray(sentences)) throw new RnnOptionError({ argument: 'sentences', expected: 'an array of word arrays', found: sentences });
    const len = (i: number): number => (sentences[i] as readonly string[]).length;
    const todo = sentences.map((s, i) => i).filter((i) => len(i) > 0).sort((a, b) => len(b) - len(a) || a - b);
    const batches: number[][] = [];
    for (let at = 0; at < todo.length; at += size) batches.push(todo.slice(at, at + size));
    return batches;
  };
  const predict = (sentences: readonly (readonly string[])[], opts: PredictTagsOptions = {}): string[][] => {
    const batches = plan(sentences, opts);
    checkSyncRead({ package: PKG, what: 'sequenceTagger: predict', alternative: 'predictAsync' });
    const out: string[][] = sentences.map(() => []);
    for (const idx of batches) {
      const batch = encodeTaggerBatch(config, vocabularies, idx.map((i) => sentences[i] as readonly string[]));
      const emissions = tf.tidy(() => sequenceTaggerEmissions(config, params, batch));
      try {
        const paths = decodeTagIds(config, params, emissions, batch.lengths, constraints);
        idx.forEach((i, b) => {
          out[i] = (paths[b] as number[]).map((id) => vocabularies.tags[id] as string);
        });
      } finally {
        emissions.dispose();
      }
    }
    return out;
  };
  const predictAsync = async (sentences: readonly (readonly string[])[], opts: PredictTagsOptions = {}): Promise<string[][]> => {
    const batches = plan(sentences, opts);
    const out: string[][] = sentences.map(() => []);
    for (const idx of batches) {
      const batch = encodeTaggerBatch(config, vocabularies, idx.map((i) => sentences[i] as readonly string[]));
      const emissions = tf.tidy(() => sequenceTaggerEmissions(config, params, batch));
      try {
        const paths = await decodeTagIdsAsync(config, params, emissions, batch.lengths, constraints);
        idx.forEach((i, b) => {
          out[i] = (paths[b] as number[]).map((id) => vocabularies.tags[id] as string);
        });
      } finally {
        emissions.dispose();
      }
    }
    return out;
  };
  const schemeOf = (): NonNullable<SequenceTaggerConfig['scheme']> => {
    const scheme = config.scheme;
    if (scheme === undefined) throw new RnnOptionError({ argument: 'config.scheme', expected: 'a tag scheme to read spans from the tags', found: undefined });
    return scheme;
  };
  return Object.freeze({
    config,
    params,
    vocabularies,
    constraints,
    predict,
    predictSpans(sentences: readonly (readonly string[])[], opts: PredictTagsOptions = {}): Span[][] {
      const scheme = schemeOf();
      return predict(sentences, opts).map((tags) => schemeSpans(tags, scheme));
    },
    predictAsync,
    async predictSpansAsync(sentences: readonly (readonly string[])[], opts: PredictTagsOptions = {}): Promise<Span[][]> {
      const scheme = schemeOf();
      return (await predictAsync(sentences, opts)).map((tags) => schemeSpans(tags, scheme));
    },
  });
}
