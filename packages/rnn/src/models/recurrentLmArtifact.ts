import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { checkSyncRead } from '@nlpkit/tensor';
import type { Vocabulary } from '@nlpkit/core';
import { PKG, RnnOptionError, RnnShapeError } from '../errors.js';
import type { CellParams } from '../types.js';
import { checkKeys, checkOneOf } from '../validate.js';
import { checkMeta, decodeModelArtifact, encodeModelArtifact, encodeModelArtifactAsync, metadataJson, metadataMeta, metadataVocabulary } from './modelArtifact.js';
import { recurrentLanguageModel, type RecurrentLanguageModel, type RecurrentLanguageModelOptions } from './recurrentLanguageModel.js';
import { checkRecurrentLmConfig, recurrentLmShapes, type RecurrentLmConfig, type RecurrentLmParams } from './recurrentLm.js';

const FORMAT = 'nlpkit-recurrent-lm/1';

/** Options of {@link encodeRecurrentLm}. */
export interface EncodeRecurrentLmOptions {
  /** `'float32'` (default, exact) or `'float16'` (half the size; weights rounded to nearest, loaded back as float32). */
  readonly dtype?: 'float32' | 'float16';
  /** Free-form strings kept with the model: the recipe, the command, its scores. */
  readonly meta?: Readonly<Record<string, string>>;
}

/** A decoded artifact: everything to use the model, and the model itself as `@nlpkit/core`'s `LanguageModel`. */
export interface RecurrentLmArtifact {
  readonly config: RecurrentLmConfig;
  /** float32 tensors owned by the artifact (freed by {@link dispose}). */
  readonly params: RecurrentLmParams;
  readonly vocabulary: Vocabulary;
  readonly meta: Readonly<Record<string, string>>;
  /** `recurrentLanguageModel({ config, params, vocabulary })`. */
  readonly model: RecurrentLanguageModel;
  dispose(): void;
}

/**
 * One self-describing artifact: the config, the vocabulary and the weights in one safetensors file (config and
 * vocabulary as JSON in its metadata), which {@link decodeRecurrentLm} turns back into a working model in Node or
 * in a browser — no template model, no separate files. Bytes only: write them with `writeRecurrentLmFile` from
 * `@nlpkit/rnn/node`, `fetch` them, keep them in IndexedDB.
 */
export function encodeRecurrentLm(model: RecurrentLanguageModelOptions, options: EncodeRecurrentLmOptions = {}): Uint8Array {
  checkSyncRead({ package: PKG, what: 'encodeRecurrentLm', alternative: 'encodeRecurrentLmAsync' });
  return encodeModelArtifact(...encodeRecurrentLmArgs(model, options));
}

/** {@link encodeRecurrentLm} reading the weights asynchronously: for every backend, webgpu included (same bytes). */
export async function encodeRecurrentLmAsync(model: RecurrentLanguageModelOptions, options: EncodeRecurrentLmOptions = {}): Promise<Uint8Array> {
  return encodeModelArtifactAsync(...encodeRecurrentLmArgs(model, options));
}

function encodeRecurrentLmArgs(model: RecurrentLanguageModelOptions, options: EncodeRecurrentLmOptions): Parameters<typeof encodeModelArtifact> {
  checkKeys(options, 'options', ['dtype', 'meta']);
  checkKeys(model, 'model', ['config', 'params', 'vocabulary']);
  const dtype = checkOneOf(options.dtype ?? 'float32', 'options.dtype', ['float32', 'float16']);
  const config = checkRecurrentLmConfig(model.config, 'model.config');
  const vocabulary = model.vocabulary;
  if (vocabulary === null || typeof vocabulary !== 'object' || typeof vocabulary.toJSON !== 'function') {
    throw new RnnOptionError({ argument: 'model.vocabulary', expected: 'a Vocabulary from @nlpkit/core', found: vocabulary });
  }
  if (vocabulary.size !== config.vocabSize) {
    throw new RnnOptionError({ argument: 'model.vocabulary.size', expected: `config.vocabSize (${config.vocabSize})`, found: vocabulary.size });
  }
  const meta = checkMeta(options.meta ?? {}, 'options.meta');
  // `format` first: the byte layout these artifacts have always had.
  const metadata = { format: FORMAT, config: JSON.stringify(config), vocabulary: JSON.stringify(vocabulary.toJSON()), meta: JSON.stringify(meta) };
  return [FORMAT, model.params, recurrentLmShapes(config), metadata, dtype, config];
}

/**
 * Reads an artifact written by {@link encodeRecurrentLm} (untrusted bytes: everything is checked before any tensor
 * is made) into a working model. F16 weights widen to float32.
 * @throws RnnModelFormatError for bytes that are not an artifact or unreadable metadata; UnknownNameError for an
 *   unknown cell type; RnnOptionError for a bad config; RnnShapeError for weights that do not match the config;
 *   SafetensorsError for malformed safetensors
 */
export function decodeRecurrentLm(bytes: Uint8Array): RecurrentLmArtifact {
  const { value, tensors } = decodeModelArtifact(bytes, FORMAT, (md) => {
    const config = checkRecurrentLmConfig(metadataJson(md, 'config') as RecurrentLmConfig, 'config');
    const vocabulary = metadataVocabulary(md, 'vocabulary');
    if (vocabulary.size !== config.vocabSize) {
      throw new RnnShapeError({ argument: 'vocabulary', expected: `config.vocabSize (${config.vocabSize}) ids`, found: vocabulary.size });
    }
    return { value: { config, vocabulary, meta: metadataMeta(md) }, expected: recurrentLmShapes(config), config };
  });
  const { config, vocabulary } = value;
  const params = paramsFromDict(config, tensors);
  let model: RecurrentLanguageModel;
  try {
    model = recurrentLanguageModel({ config, params, vocabulary });
  } catch (error) {
    for (const t of Object.values(tensors)) t.dispose();
    throw error;
  }
  return Object.freeze({
    config,
    params,
    vocabulary,
    meta: Object.freeze({ ...value.meta }),
    model,
    dispose: () => {
      for (const t of Object.values(tensors)) t.dispose();
    },
  });
}

/** The parameter tree of `config` from a checked flat dict. */
function paramsFromDict(config: RecurrentLmConfig, dict: Readonly<Record<string, Tensor>>): RecurrentLmParams {
  const get = <T extends Tensor>(name: string): T => dict[name] as T;
  const gru = config.cell?.type === 'gru';
  const layers = Array.from({ length: config.layers }, (_, k) => {
    const at = `rnn.layers.${k}.forward`;
    const forward = gru
      ? { wIh: get<Tensor2D>(`${at}.wIh`), wHh: get<Tensor2D>(`${at}.wHh`), bIh: get<Tensor1D>(`${at}.bIh`), bHh: get<Tensor1D>(`${at}.bHh`) }
      : { wIh: get<Tensor2D>(`${at}.wIh`), wHh: get<Tensor2D>(`${at}.wHh`), bias: get<Tensor1D>(`${at}.bias`) };
    return { forward: forward as CellParams };
  });
  const output: { w?: Tensor2D; b: Tensor1D } = { b: get<Tensor1D>('output.b') };
  if (config.tied !== true) output.w = get<Tensor2D>('output.w');
  return { embedding: get<Tensor2D>('embedding'), rnn: { layers }, output };
}
