import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { parseTagScheme, type Rng, type TagScheme } from '@nlpkit/core';
import { concatColumns, glorotUniform, uniform } from '@nlpkit/tensor';
import { crossEntropy } from '@nlpkit/train';
import { initCell } from '../cells/initCell.js';
import { PKG, RnnOptionError, RnnShapeError } from '../errors.js';
import { dense, type DenseParams } from '../layers/dense.js';
import { dropoutMask } from '../layers/dropoutMask.js';
import { embedding } from '../layers/embedding.js';
import { idsTensor } from '../layers/idsTensor.js';
import type { StackParams } from '../layers/rnnStack.js';
import type { RngLike } from '../types.js';
import { checkModelParams } from '../models/modelArtifact.js';
import { checkKeys, checkLengths, checkNumber, checkOneOf } from '../validate.js';
import { charWordFeatures } from './charWordFeatures.js';
import { crfLogLikelihood, initCrf, type CrfParams } from './crf.js';
import type { CrfConstraints } from './crfConstraints.js';
import { taggerBiLstm } from './taggerBiLstm.js';

/** Character-level BiLSTM word features (Lample et al. 2016): the final states of both directions, concatenated. */
export interface CharFeaturesConfig {
  /** Size of the character vocabulary. */
  vocabSize: number;
  embeddingSize: number;
  /** Per direction: each word gets `2 × hiddenSize` features. */
  hiddenSize: number;
  /** Characters read per word (longer words are cut); default 20. */
  maxWordLength?: number;
}

/**
 * Shape of a sequence tagger. `encoder: 'bilstm'`: word embeddings (+ character features) → stacked BiLSTM →
 * per-token scores; `encoder: 'window'`: the fixed-window tagger, concatenated embeddings of the ±`window` words
 * → tanh hidden layer → per-token scores. `output: 'softmax'` trains each token alone; `'crf'` adds a
 * linear-chain CRF over the sequence.
 */
export interface SequenceTaggerConfig {
  encoder: 'bilstm' | 'window';
  output: 'softmax' | 'crf';
  wordVocabSize: number;
  numTags: number;
  wordEmbeddingSize: number;
  /** BiLSTM: units per direction; window: units of the hidden layer. */
  hiddenSize: number;
  /** BiLSTM layers (default 1). */
  layers?: number;
  /** Window tagger: words on each side (default 2, a 5-word window). */
  window?: number;
  /** Character features; absent: words only. */
  chars?: CharFeaturesConfig;
  /** Look words up lowercased (characters keep their case). Default false. */
  lowercase?: boolean;
  /**
   * The tag scheme (`IOB2`, `IOBES`...): decoding is constrained to sequences it allows (softmax outputs too) and
   * predictions can be read as spans. Absent for tag sets with no chunks (part of speech).
   */
  scheme?: TagScheme;
}

/** Parameters of a {@link SequenceTaggerConfig} model (a tree; `flattenParams` from `@nlpkit/train` names them). */
export interface SequenceTaggerParams {
  words: Tensor2D;
  chars?: { embedding: Tensor2D; rnn: StackParams };
  /** BiLSTM encoder. */
  rnn?: StackParams;
  /** Window encoder's hidden layer. */
  hidden?: DenseParams;
  output: DenseParams;
  crf?: CrfParams;
}

/**
 * A padded batch as host arrays, what `encodeTaggerBatch` makes: word ids `[batch, T]` (0 = padding), the valid
 * words per row, characters per word `[batch·T, C]` (row b·T + t) with their lengths (0 for padding words), and
 * for training the tag ids `[batch, T]`.
 */
export interface TaggerBatch {
  readonly words: readonly (readonly number[])[];
  readonly lengths: readonly number[];
  readonly chars?: { readonly ids: readonly (readonly number[])[]; readonly lengths: readonly number[] };
  readonly tags?: readonly (readonly number[])[];
}

/** Options of {@link sequenceTaggerEmissions} and {@link sequenceTaggerLoss}. */
export interface TaggerForwardOptions {
  /** Dropout on the word features and on the encoder's output (and between BiLSTM layers). */
  dropout?: number;
  /** Dropout applies only when true. */
  training?: boolean;
  rng?: RngLike;
  /** Forbidden transitions of the tag scheme for the CRF loss (`crfConstraints(tags, scheme)`). */
  constraints?: CrfConstraints;
}

const KEYS = ['encoder', 'output', 'wordVocabSize', 'numTags', 'wordEmbeddingSize', 'hiddenSize', 'layers', 'window', 'chars', 'lowercase', 'scheme'] as const;

/**
 * Checks a {@link SequenceTaggerConfig} from code or from a file (every key known, sizes integers in range, the
 * encoder, output and scheme among the known names) and returns it with the scheme in canonical form.
 */
export function checkSequenceTaggerConfig(config: SequenceTaggerConfig, argument = 'config'): SequenceTaggerConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new RnnOptionError({ argument, expected: 'a sequence tagger config record', found: config });
  }
  checkKeys(config, argument, KEYS);
  checkOneOf(config.encoder, `${argument}.encoder`, ['bilstm', 'window']);
  checkOneOf(config.output, `${argument}.output`, ['softmax', 'crf']);
  checkNumber(config.wordVocabSize, `${argument}.wordVocabSize`, 1, 1 << 24, true);
  checkNumber(config.numTags, `${argument}.numTags`, 1, 1 << 16, true);
  checkNumber(config.wordEmbeddingSize, `${argument}.wordEmbeddingSize`, 1, 1 << 16, true);
  checkNumber(config.hiddenSize, `${argument}.hiddenSize`, 1, 1 << 16, true);
  if (config.layers !== undefined) checkNumber(config.layers, `${argument}.layers`, 1, 16, true);
  if (config.window !== undefined) checkNumber(config.window, `${argument}.window`, 0, 32, true);
  if (config.encoder === 'window' && config.layers !== undefined) {
    throw new RnnOptionError({ argument: `${argument}.layers`, expected: 'absent for a window encoder', found: config.layers });
  }
  if (config.encoder === 'bilstm' && config.window !== undefined) {
    throw new RnnOptionError({ argument: `${argument}.window`, expected: 'absent for a bilstm encoder', found: config.window });
  }
  if (config.lowercase !== undefined && typeof config.lowercase !== 'boolean') {
    throw new RnnOptionError({ argument: `${argument}.lowercase`, expected: 'a boolean', found: config.lowercase });
  }
  const chars = config.chars;
  if (chars !== undefined) {
    if (chars === null || typeof chars !== 'object') throw new RnnOptionError({ argument: `${argument}.chars`, expected: 'a character features record', found: chars });
    checkKeys(chars, `${argument}.chars`, ['vocabSize', 'embeddingSize', 'hiddenSize', 'maxWordLength']);
    checkNumber(chars.vocabSize, `${argument}.chars.vocabSize`, 1, 1 << 20, true);
    checkNumber(chars.embeddingSize, `${argument}.chars.embeddingSize`, 1, 1 << 12, true);
    checkNumber(chars.hiddenSize, `${argument}.chars.hiddenSize`, 1, 1 << 12, true);
    if (chars.maxWordLength !== undefined) checkNumber(chars.maxWordLength, `${argument}.chars.maxWordLength`, 1, 1024, true);
  }
  if (config.scheme === undefined) return config;
  return { ...config, scheme: parseTagScheme(config.scheme, `${argument}.scheme`, PKG) };
}

/** Width of each word's features: its embedding plus its character features. */
export function wordFeatureSize(config: SequenceTaggerConfig): number {
  return config.wordEmbeddingSize + (config.chars === undefined ? 0 : 2 * config.chars.hiddenSize);
}

/** The name and shape of every weight a config implies (the names `flattenParams` gives {@link initSequenceTagger}'s tree). */
export function sequenceTaggerShapes(config: SequenceTaggerConfig): Map<string, number[]> {
  const c = checkSequenceTaggerConfig(config, 'config');
  const shapes = new Map<string, number[]>([['words', [c.wordVocabSize, c.wordEmbeddingSize]]]);
  const lstm = (at: string, input: number, H: number): void => {
    for (const dir of ['forward', 'backward']) {
      shapes.set(`${at}.${dir}.wIh`, [input, 4 * H]);
      shapes.set(`${at}.${dir}.wHh`, [H, 4 * H]);
      shapes.set(`${at}.${dir}.bias`, [4 * H]);
    }
  };
  if (c.chars !== undefined) {
    shapes.set('chars.embedding', [c.chars.vocabSize, c.chars.embeddingSize]);
    lstm('chars.rnn.layers.0', c.chars.embeddingSize, c.chars.hiddenSize);
  }
  const F = wordFeatureSize(c);
  const H = c.hiddenSize;
  if (c.encoder === 'bilstm') {
    for (let k = 0; k < (c.layers ?? 1); k++) lstm(`rnn.layers.${k}`, k === 0 ? F : 2 * H, H);
    shapes.set('output.w', [2 * H, c.numTags]);
  } else {
    shapes.set('hidden.w', [(2 * (c.window ?? 2) + 1) * F, H]);
    shapes.set('hidden.b', [H]);
    shapes.set('output.w', [H, c.numTags]);
  }
  shapes.set('output.b', [c.numTags]);
  if (c.output === 'crf') {
    shapes.set('crf.transitions', [c.numTags, c.numTags]);
    shapes.set('crf.start', [c.numTags]);
    shapes.set('crf.end', [c.numTags]);
  }
  return shapes;
}

/**
 * Fresh parameters: embeddings U(±√(3/D)) (unit variance of a dot product), LSTMs with PyTorch's initialisation
 * and forget-gate bias 1, dense layers Glorot-uniform, CRF U(±0.1). Same seed, same weights on every backend.
 */
export function initSequenceTagger(config: SequenceTaggerConfig, rng: Rng): SequenceTaggerParams {
  const c = checkSequenceTaggerConfig(config, 'config');
  return tf.tidy(() => {
    const table = (V: number, D: number): Tensor => uniform([V, D], rng, -Math.sqrt(3 / D), Math.sqrt(3 / D));
    const bilstm = (input: number, H: number, layers: number): StackParams => ({
      layers: Array.from({ length: layers }, (_, k) => ({
        forward: initCell({ type: 'lstm' }, k === 0 ? input : 2 * H, H, rng, { forgetBias: 1 }),
        backward: initCell({ type: 'lstm' }, k === 0 ? input : 2 * H, H, rng, { forgetBias: 1 }),
      })),
    });
    const p: Record<string, unknown> = { words: table(c.wordVocabSize, c.wordEmbeddingSize) };
    if (c.chars !== undefined) p['chars'] = { embedding: table(c.chars.vocabSize, c.chars.embeddingSize), rnn: bilstm(c.chars.embeddingSize, c.chars.hiddenSize, 1) };
    const F = wordFeatureSize(c);
    const H = c.hiddenSize;
    if (c.encoder === 'bilstm') {
      p['rnn'] = bilstm(F, H, c.layers ?? 1);
      p['output'] = { w: glorotUniform([2 * H, c.numTags], rng), b: tf.zeros([c.numTags]) };
    } else {
      p['hidden'] = { w: glorotUniform([(2 * (c.window ?? 2) + 1) * F, H], rng), b: tf.zeros([H]) };
      p['output'] = { w: glorotUniform([H, c.numTags], rng), b: tf.zeros([c.numTags]) };
    }
    if (c.output === 'crf') p['crf'] = initCrf(c.numTags, rng);
    return p as tf.TensorContainerObject;
  }) as unknown as SequenceTaggerParams;
}

/** Throws an RnnShapeError naming the first id of `rows` outside [0, size). */
function checkIdRange(rows: readonly (readonly number[])[], size: number, argument: string, what: string): void {
  rows.forEach((row, b) => {
    row.forEach((id, t) => {
      if (!Number.isInteger(id) || id < 0 || id >= size) {
        throw new RnnShapeError({ argument: `${argument}[${b}][${t}]`, expected: `${what} from 0 to ${size - 1}`, found: id });
      }
    });
  });
}

/** Checks a batch against the config on the host (ids in range, rectangular rows, lengths): cheap, and before any tensor. */
export function checkTaggerBatch(config: SequenceTaggerConfig, batch: TaggerBatch, argument = 'batch'): void {
  checkIdRange(batch.words, config.wordVocabSize, `${argument}.words`, `a word id (config.wordVocabSize ${config.wordVocabSize})`);
  const B = batch.words.length;
  const T = B === 0 ? 0 : (batch.words[0] as readonly number[]).length;
  if (B === 0 || T === 0) throw new RnnShapeError({ argument: `${argument}.words`, expected: 'at least one row with at least one word', foundText: `[${B}, ${T}]` });
  checkLengths(batch.lengths, B, T);
  if (batch.tags !== undefined) checkIdRange(batch.tags, config.numTags, `${argument}.tags`, `a tag id (config.numTags ${config.numTags})`);
  if (config.chars !== undefined) {
    if (batch.chars === undefined) throw new RnnOptionError({ argument: `${argument}.chars`, expected: 'character ids (the config has character features)', found: undefined });
    checkIdRange(batch.chars.ids, config.chars.vocabSize, `${argument}.chars.ids`, `a character id (config.chars.vocabSize ${config.chars.vocabSize})`);
    if (batch.chars.ids.length !== B * T) {
      throw new RnnShapeError({ argument: `${argument}.chars.ids`, expected: `one row per word slot (${B} × ${T})`, found: batch.chars.ids.length });
    }
  }
}

function drop<T extends Tensor>(x: T, rate: number, options: TaggerForwardOptions): T {
  if (rate === 0 || options.training !== true) return x;
  return tf.mul(x, dropoutMask(x.shape, rate, options.rng as RngLike)) as T;
}

/** Character features of every word slot `[batch, T, 2·Hc]` (the character BiLSTM runs once per distinct word). */
function charFeatures(params: SequenceTaggerParams, batch: TaggerBatch, B: number, T: number): Tensor3D {
  return charWordFeatures(params.chars as NonNullable<SequenceTaggerParams['chars']>, batch.chars as NonNullable<TaggerBatch['chars']>, B, T);
}

/**
 * Per-token tag scores `[batch, T, K]` (logits for softmax, emissions for the CRF). Like a tfjs op it leaves its
 * intermediates to the caller (`tf.tidy`, a `trainStep` loss). Ids are range-checked on the host first.
 */
export function sequenceTaggerEmissions(
  config: SequenceTaggerConfig,
  params: SequenceTaggerParams,
  batch: TaggerBatch,
  options: TaggerForwardOptions = {},
): Tensor3D {
  checkKeys(options, 'options', ['dropout', 'training', 'rng', 'constraints']);
  checkModelParams(params, sequenceTaggerShapes(config), 'params', config);
  const rate = checkNumber(options.dropout ?? 0, 'options.dropout', 0, 0.99);
  if (options.training === true && rate > 0 && options.rng === undefined) {
    throw new RnnOptionError({ argument: 'options.rng', expected: 'a generator for dropout while training', found: undefined });
  }
  checkTaggerBatch(config, batch);
  const B = batch.words.length;
  const T = (batch.words[0] as readonly number[]).length;
  const K = config.numTags;
  if (config.encoder === 'bilstm') {
    let x = embedding(params.words, idsTensor(batch.words, 'batch.words')) as Tensor3D;
    if (config.chars !== undefined) x = concatColumns([x, charFeatures(params, batch, B, T)]);
    x = drop(x, rate, options);
    // Dropout after every layer (between layers and on the output), as rnnStack's `dropout` and `outputDropout`.
    const outputs = taggerBiLstm(params.rnn as StackParams, x, batch.lengths, (out) => drop(out, rate, options));
    const H2 = outputs.shape[2];
    return tf.reshape(dense(params.output, tf.reshape(outputs, [B * T, H2])), [B, T, K]);
  }
  // Window: the sentence padded by k <pad> slots on both sides (the pad embedding marks the edges; padding words
  // have zero character features), then the 2k+1 shifted views side by side.
  const k = config.window ?? 2;
  let x = embedding(params.words, tf.pad(idsTensor(batch.words, 'batch.words'), [[0, 0], [k, k]])) as Tensor3D;
  if (config.chars !== undefined) x = tf.concat([x, tf.pad(charFeatures(params, batch, B, T), [[0, 0], [k, k], [0, 0]])], 2);
  const F = x.shape[2];
  const windows = tf.concat(Array.from({ length: 2 * k + 1 }, (_, o) => tf.slice(x, [0, o, 0], [B, T, F])), 2);
  const flat = drop(tf.reshape(windows, [B * T, (2 * k + 1) * F]) as Tensor2D, rate, options);
  const hidden = drop(tf.tanh(dense(params.hidden as DenseParams, flat)), rate, options);
  return tf.reshape(dense(params.output, hidden), [B, T, K]);
}

/**
 * Training loss of a batch with tags: mean cross-entropy per token (softmax) or mean negative log-likelihood per
 * sentence (CRF, with the scheme's constraints when given). Padded positions are left out.
 */
export function sequenceTaggerLoss(
  config: SequenceTaggerConfig,
  params: SequenceTaggerParams,
  batch: TaggerBatch,
  options: TaggerForwardOptions = {},
): tf.Scalar {
  if (batch.tags === undefined) throw new RnnOptionError({ argument: 'batch.tags', expected: 'tag ids for the loss', found: undefined });
  const emissions = sequenceTaggerEmissions(config, params, batch, options);
  const [B, T, K] = emissions.shape;
  if (config.output === 'crf') {
    return tf.neg(tf.mean(crfLogLikelihood(params.crf as CrfParams, emissions, batch.tags, batch.lengths, options.constraints))) as tf.Scalar;
  }
  const mask = new Float32Array(B * T);
  batch.lengths.forEach((len, b) => mask.fill(1, b * T, b * T + len));
  const targets = tf.reshape(idsTensor(batch.tags, 'batch.tags'), [-1]) as Tensor1D;
  return crossEntropy(tf.reshape(emissions, [B * T, K]), targets, { mask: tf.tensor1d(mask) });
}
