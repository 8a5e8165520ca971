import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { vocabularyFromJSON, type LanguageModel, type Vocabulary } from '@nlpkit/core';
import { loadSafetensors, parseSafetensors, serializeSafetensors, type RawTensor } from '@nlpkit/tensor';
import { flattenParams } from '@nlpkit/train';
import { RnnModelFormatError, RnnOptionError, RnnShapeError } from '../errors.js';
import type { CellParams } from '../types.js';
import { checkKeys, checkOneOf } from '../validate.js';
import { float16Bytes } from './float16.js';
import { recurrentLanguageModel, type RecurrentLanguageModelOptions, type RecurrentLmState } from './recurrentLanguageModel.js';
import { checkRecurrentLmConfig, type RecurrentLmConfig, type RecurrentLmParams } from './recurrentLm.js';

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
  readonly model: LanguageModel<RecurrentLmState>;
  dispose(): void;
}

/**
 * The name and shape of every weight a config implies, in the order `initRecurrentLm` makes them:
 * `embedding [V, E]`, per layer `rnn.layers.k.forward.{wIh, wHh, bias}` (GRU: `bIh`, `bHh`), `output.w [H, V]`
 * (absent when tied), `output.b [V]`.
 */
export function recurrentLmShapes(config: RecurrentLmConfig): Map<string, number[]> {
  const { vocabSize: V, embeddingSize: E, hiddenSize: H, layers: L } = checkRecurrentLmConfig(config, 'config');
  const cell = config.cell ?? { type: 'lstm' };
  const gates = cell.type === 'lstm' ? (cell.coupled === true ? 3 : 4) : cell.type === 'gru' ? 3 : 1;
  const shapes = new Map<string, number[]>([['embedding', [V, E]]]);
  for (let k = 0; k < L; k++) {
    const at = `rnn.layers.${k}.forward`;
    shapes.set(`${at}.wIh`, [k === 0 ? E : H, gates * H]);
    shapes.set(`${at}.wHh`, [H, gates * H]);
    if (cell.type === 'gru') {
      shapes.set(`${at}.bIh`, [gates * H]);
      shapes.set(`${at}.bHh`, [gates * H]);
    } else shapes.set(`${at}.bias`, [gates * H]);
  }
  if (config.tied !== true) shapes.set('output.w', [H, V]);
  shapes.set('output.b', [V]);
  return shapes;
}

/**
 * One self-describing artifact: the config, the vocabulary and the weights in one safetensors file (config and
 * vocabulary as JSON in its metadata), which {@link decodeRecurrentLm} turns back into a working model in Node or
 * in a browser — no template model, no separate files. Bytes only: write them with `writeRecurrentLmFile` from
 * `@nlpkit/rnn/node`, `fetch` them, keep them in IndexedDB.
 */
export function encodeRecurrentLm(model: RecurrentLanguageModelOptions, options: EncodeRecurrentLmOptions = {}): Uint8Array {
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
  const meta = options.meta ?? {};
  for (const [k, v] of Object.entries(meta)) if (typeof v !== 'string') throw new RnnOptionError({ argument: `options.meta.${k}`, expected: 'a string', found: v });
  const dict = flattenParams(model.params);
  checkWeights(config, new Map(Object.entries(dict).map(([name, t]) => [name, t.shape])), 'model.params');
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of Object.entries(dict)) {
    const values = t.dataSync() as Float32Array;
    const data = dtype === 'float16' ? float16Bytes(values) : new Uint8Array(Float32Array.from(values).buffer);
    raw.set(name, { dtype: dtype === 'float16' ? 'F16' : 'F32', shape: t.shape, data });
  }
  return serializeSafetensors(raw, { format: FORMAT, config: JSON.stringify(config), vocabulary: JSON.stringify(vocabulary.toJSON()), meta: JSON.stringify(meta) });
}

/** Throws unless `shapes` holds exactly the weights `config` implies, each with its shape. */
function checkWeights(config: RecurrentLmConfig, shapes: ReadonlyMap<string, readonly number[]>, argument: string): void {
  const expected = recurrentLmShapes(config);
  for (const [name, shape] of expected) {
    const found = shapes.get(name);
    if (found === undefined) {
      throw new RnnShapeError({ argument: `${argument} "${name}"`, expected: `present for this config (shape [${shape.join(', ')}])`, foundText: 'no such weight' });
    }
    if (found.join(',') !== shape.join(',')) {
      throw new RnnShapeError({
        argument: `${argument} "${name}"`,
        expected: `of shape [${shape.join(', ')}] for config ${JSON.stringify(config)}`,
        foundText: `[${found.join(', ')}]`,
      });
    }
  }
  for (const name of shapes.keys()) {
    if (!expected.has(name)) throw new RnnShapeError({ argument: `${argument} "${name}"`, expected: 'absent (the config implies no such weight)', foundText: 'a weight' });
  }
}

function parseJson(text: string | undefined, key: string): unknown {
  if (text === undefined) throw new RnnModelFormatError({ argument: `model metadata "${key}"`, expected: 'present', foundText: 'nothing' });
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new RnnModelFormatError({ argument: `model metadata "${key}"`, expected: 'JSON', found: text.slice(0, 80), cause });
  }
}

/**
 * Reads an artifact written by {@link encodeRecurrentLm} (untrusted bytes: everything is checked before any tensor
 * is made) into a working model. F16 weights widen to float32.
 * @throws RnnModelFormatError for bytes that are not an artifact or unreadable metadata; UnknownNameError for an
 *   unknown cell type; RnnOptionError for a bad config; RnnShapeError for weights that do not match the config;
 *   SafetensorsError for malformed safetensors
 */
export function decodeRecurrentLm(bytes: Uint8Array): RecurrentLmArtifact {
  const parsed = parseSafetensors(bytes);
  const md = parsed.metadata;
  if (md['format'] !== FORMAT) throw new RnnModelFormatError({ argument: 'model format', expected: `"${FORMAT}"`, found: md['format'] ?? null });
  const config = checkRecurrentLmConfig(parseJson(md['config'], 'config') as RecurrentLmConfig, 'config');
  let vocabulary: Vocabulary;
  try {
    vocabulary = vocabularyFromJSON(parseJson(md['vocabulary'], 'vocabulary') as never);
  } catch (cause) {
    if (cause instanceof RnnModelFormatError) throw cause;
    throw new RnnModelFormatError({ argument: 'model metadata "vocabulary"', expected: 'a vocabulary saved with toJSON()', found: md['vocabulary']?.slice(0, 80), cause });
  }
  if (vocabulary.size !== config.vocabSize) {
    throw new RnnShapeError({ argument: 'vocabulary', expected: `config.vocabSize (${config.vocabSize}) ids`, found: vocabulary.size });
  }
  const metaJson = md['meta'] === undefined ? {} : parseJson(md['meta'], 'meta');
  if (metaJson === null || typeof metaJson !== 'object' || Array.isArray(metaJson) || Object.values(metaJson).some((v) => typeof v !== 'string')) {
    throw new RnnModelFormatError({ argument: 'model metadata "meta"', expected: 'a JSON object of strings', found: md['meta'] });
  }
  for (const [name, t] of parsed.tensors) {
    if (t.dtype !== 'F32' && t.dtype !== 'F16' && t.dtype !== 'BF16') {
      throw new RnnModelFormatError({ argument: `weight "${name}"`, expected: 'F32, F16 or BF16', found: t.dtype });
    }
  }
  checkWeights(config, new Map([...parsed.tensors].map(([name, t]) => [name, t.shape])), 'weights');
  const { tensors } = loadSafetensors(bytes);
  const params = paramsFromDict(config, tensors);
  let model: LanguageModel<RecurrentLmState>;
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
    meta: Object.freeze({ ...(metaJson as Record<string, string>) }),
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
