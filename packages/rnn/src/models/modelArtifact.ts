import type { Tensor } from '@tensorflow/tfjs-core';
import { checkSyncRead, loadSafetensors, parseSafetensors, serializeSafetensors, type RawTensor } from '@nlpkit/tensor';
import { flattenParams, type ParamTree } from '@nlpkit/train';
import { vocabularyFromJSON, type Vocabulary } from '@nlpkit/core';
import { PKG, RnnModelFormatError, RnnOptionError, RnnShapeError } from '../errors.js';
import { checkOneOf } from '../validate.js';
import { float16Bytes } from './float16.js';

// The self-describing artifact layout every model here shares (recurrent LM, text classifier, sequence tagger):
// one safetensors file whose metadata holds `format` and JSON strings (config, vocabularies, meta), weights F32 or
// F16. Any model with a `shapes(config)` function can use it.

/** Throws an RnnShapeError unless `shapes` holds exactly the `expected` weights, each with its shape. */
export function checkWeightShapes(
  expected: ReadonlyMap<string, readonly number[]>,
  shapes: ReadonlyMap<string, readonly number[]>,
  argument: string,
  config: unknown,
): void {
  for (const [name, shape] of expected) {
    const found = shapes.get(name);
    if (found === undefined) {
      throw new RnnShapeError({ argument: `${argument} "${name}"`, expected: `present for this config (shape [${shape.join(', ')}])`, foundText: 'no such weight' });
    }
    if (found.join(',') !== shape.join(',')) {
      throw new RnnShapeError({ argument: `${argument} "${name}"`, expected: `of shape [${shape.join(', ')}] for config ${JSON.stringify(config)}`, foundText: `[${found.join(', ')}]` });
    }
  }
  for (const name of shapes.keys()) {
    if (!expected.has(name)) throw new RnnShapeError({ argument: `${argument} "${name}"`, expected: 'absent (the config implies no such weight)', foundText: 'a weight' });
  }
}

/**
 * Throws an RnnShapeError naming the first weight of `params` (a tree, named as `flattenParams` names it) that the
 * config does not imply or whose shape differs from the config's (`expected`, from the model's `shapes(config)`):
 * a config that does not match the weights (a `hiddenSize` of another model, say) never runs silently.
 */
export function checkModelParams(params: ParamTree, expected: ReadonlyMap<string, readonly number[]>, argument: string, config: unknown): void {
  if (params === null || typeof params !== 'object') throw new RnnOptionError({ argument, expected: 'the model parameters (a tree of tensors)', found: params });
  const dict = flattenParams(params);
  checkWeightShapes(expected, new Map(Object.entries(dict).map(([name, t]) => [name, t.shape])), argument, config);
}

/**
 * Bytes of an artifact: `params` (checked against `expected`), metadata strings, weights as float32 or float16.
 * Metadata keys are written in the order of `metadata` (`format` last unless `metadata` already places it).
 * Reads the weights synchronously: on webgpu (whose synchronous read returns zeros in headless Chromium) it throws
 * an `UnsupportedError` naming {@link encodeModelArtifactAsync}, which writes the same bytes on every backend.
 */
export function encodeModelArtifact(
  format: string,
  params: ParamTree,
  expected: ReadonlyMap<string, readonly number[]>,
  metadata: Readonly<Record<string, string>>,
  dtype: unknown,
  config: unknown,
): Uint8Array {
  checkSyncRead({ package: PKG, what: 'encodeModelArtifact', alternative: 'encodeModelArtifactAsync (or the model\'s encode…Async)' });
  const { kind, dict } = artifactWeights(params, expected, dtype, config);
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of Object.entries(dict)) raw.set(name, rawWeight(kind, t, t.dataSync() as Float32Array));
  return serializeSafetensors(raw, { ...metadata, format });
}

/** {@link encodeModelArtifact} reading the weights asynchronously (`await tensor.data()`): for every backend, webgpu included. */
export async function encodeModelArtifactAsync(
  format: string,
  params: ParamTree,
  expected: ReadonlyMap<string, readonly number[]>,
  metadata: Readonly<Record<string, string>>,
  dtype: unknown,
  config: unknown,
): Promise<Uint8Array> {
  const { kind, dict } = artifactWeights(params, expected, dtype, config);
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of Object.entries(dict)) raw.set(name, rawWeight(kind, t, (await t.data()) as Float32Array));
  return serializeSafetensors(raw, { ...metadata, format });
}

function artifactWeights(params: ParamTree, expected: ReadonlyMap<string, readonly number[]>, dtype: unknown, config: unknown): { kind: 'float32' | 'float16'; dict: Record<string, Tensor> } {
  const kind = checkOneOf(dtype ?? 'float32', 'options.dtype', ['float32', 'float16']);
  const dict = flattenParams(params);
  checkWeightShapes(expected, new Map(Object.entries(dict).map(([name, t]) => [name, t.shape])), 'model.params', config);
  return { kind, dict };
}

function rawWeight(kind: 'float32' | 'float16', t: Tensor, values: Float32Array): RawTensor {
  const data = kind === 'float16' ? float16Bytes(values) : new Uint8Array(Float32Array.from(values).buffer);
  return { dtype: kind === 'float16' ? 'F16' : 'F32', shape: t.shape, data };
}

/** Checks `meta` is a record of strings (what artifacts keep free-form). */
export function checkMeta(meta: unknown, argument: string): Record<string, string> {
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) throw new RnnOptionError({ argument, expected: 'a record of strings', found: meta });
  for (const [k, v] of Object.entries(meta)) if (typeof v !== 'string') throw new RnnOptionError({ argument: `${argument}.${k}`, expected: 'a string', found: v });
  return meta as Record<string, string>;
}

/** The JSON value of metadata entry `key`; RnnModelFormatError when it is missing or not JSON. */
export function metadataJson(metadata: Readonly<Record<string, string>>, key: string): unknown {
  const text = metadata[key];
  if (text === undefined) throw new RnnModelFormatError({ argument: `model metadata "${key}"`, expected: 'present', foundText: 'nothing' });
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new RnnModelFormatError({ argument: `model metadata "${key}"`, expected: 'JSON', found: text.slice(0, 80), cause });
  }
}

/** The vocabulary saved (with `toJSON()`) in metadata entry `key`; RnnModelFormatError when it is not one. */
export function metadataVocabulary(metadata: Readonly<Record<string, string>>, key: string): Vocabulary {
  const json = metadataJson(metadata, key);
  try {
    return vocabularyFromJSON(json as never);
  } catch (cause) {
    throw new RnnModelFormatError({ argument: `model metadata "${key}"`, expected: 'a vocabulary saved with toJSON()', found: metadata[key]?.slice(0, 80), cause });
  }
}

/** The free-form strings of metadata entry `meta` (`{}` when absent); RnnModelFormatError unless a JSON object of strings. */
export function metadataMeta(metadata: Readonly<Record<string, string>>): Record<string, string> {
  const meta = metadata['meta'] === undefined ? {} : metadataJson(metadata, 'meta');
  try {
    return checkMeta(meta, 'meta');
  } catch (cause) {
    throw new RnnModelFormatError({ argument: 'model metadata "meta"', expected: 'a JSON object of strings', found: metadata['meta'], cause });
  }
}

/**
 * Reads an artifact's metadata (untrusted bytes: the format is checked first), then — once `expectedFor` has
 * turned the metadata into the weights it implies — checks the weights and loads them as float32 tensors.
 */
export function decodeModelArtifact<T>(
  bytes: Uint8Array,
  format: string,
  read: (metadata: Readonly<Record<string, string>>) => { value: T; expected: ReadonlyMap<string, readonly number[]>; config: unknown },
): { value: T; tensors: Record<string, Tensor>; metadata: Readonly<Record<string, string>> } {
  const parsed = parseSafetensors(bytes);
  const md = parsed.metadata;
  if (md['format'] !== format) throw new RnnModelFormatError({ argument: 'model format', expected: `"${format}"`, found: md['format'] ?? null });
  const { value, expected, config } = read(md);
  for (const [name, t] of parsed.tensors) {
    if (t.dtype !== 'F32' && t.dtype !== 'F16' && t.dtype !== 'BF16') throw new RnnModelFormatError({ argument: `weight "${name}"`, expected: 'F32, F16 or BF16', found: t.dtype });
  }
  checkWeightShapes(expected, new Map([...parsed.tensors].map(([name, t]) => [name, t.shape])), 'weights', config);
  const { tensors } = loadSafetensors(bytes);
  return { value, tensors, metadata: md };
}
