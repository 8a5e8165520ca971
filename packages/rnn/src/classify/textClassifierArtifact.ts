import type { Tensor } from '@tensorflow/tfjs-core';
import { vocabularyFromJSON, type Vocabulary } from '@nlpkit/core';
import { loadSafetensors, parseSafetensors, serializeSafetensors, type RawTensor } from '@nlpkit/tensor';
import { RnnModelFormatError, RnnOptionError, RnnShapeError } from '../errors.js';
import { float16Bytes } from '../models/float16.js';
import { checkKeys, checkOneOf } from '../validate.js';
import type { TextClassifierParams } from './initTextClassifier.js';
import { checkTextClassifierConfig, textClassifierShapes, type TextClassifierConfig } from './textClassifierConfig.js';

const FORMAT = 'nlpkit-text-classifier/1';

/** A text classifier with everything needed to use it: shape, weights, vocabulary and the names of its classes. */
export interface TextClassifierModel {
  readonly config: TextClassifierConfig;
  readonly params: TextClassifierParams;
  readonly vocabulary: Vocabulary;
  /** Class names, index = output unit (`labelList` of the training labels). */
  readonly labels: readonly string[];
}

/** Options of {@link encodeTextClassifier}. */
export interface EncodeTextClassifierOptions {
  /** `'float32'` (default, exact) or `'float16'` (half the size; rounded to nearest, loaded back as float32). */
  readonly dtype?: 'float32' | 'float16';
  /** Free-form strings kept with the model: the recipe, the command, its scores. */
  readonly meta?: Readonly<Record<string, string>>;
}

/** A decoded artifact; its tensors are freed by {@link dispose}. */
export interface TextClassifierArtifact extends TextClassifierModel {
  readonly meta: Readonly<Record<string, string>>;
  dispose(): void;
}

/**
 * Throws an {@link RnnShapeError} naming the weight unless `found` holds exactly the weights of `expected`, each with
 * its shape. (The recurrent LM artifact checks its weights the same way.)
 */
export function checkWeightShapes(expected: ReadonlyMap<string, readonly number[]>, found: ReadonlyMap<string, readonly number[]>, argument: string, what: string): void {
  for (const [name, shape] of expected) {
    const f = found.get(name);
    if (f === undefined) throw new RnnShapeError({ argument: `${argument} "${name}"`, expected: `present for this config (shape [${shape.join(', ')}])`, foundText: 'no such weight' });
    if (f.join(',') !== shape.join(',')) {
      throw new RnnShapeError({ argument: `${argument} "${name}"`, expected: `of shape [${shape.join(', ')}] for ${what}`, foundText: `[${f.join(', ')}]` });
    }
  }
  for (const name of found.keys()) {
    if (!expected.has(name)) throw new RnnShapeError({ argument: `${argument} "${name}"`, expected: 'absent (the config implies no such weight)', foundText: 'a weight' });
  }
}

function checkLabels(labels: unknown, numLabels: number, argument: string, error: typeof RnnOptionError | typeof RnnModelFormatError): readonly string[] {
  if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string') || new Set(labels).size !== labels.length) {
    throw new error({ argument, expected: 'an array of distinct label names', found: labels });
  }
  if (labels.length !== numLabels) throw new RnnShapeError({ argument, expected: `config.numLabels (${numLabels}) names`, found: labels.length });
  return labels as string[];
}

/**
 * One self-describing artifact: config, vocabulary, label names and weights in one safetensors file (the first
 * three as JSON metadata), which {@link decodeTextClassifier} turns back into a working classifier in Node or in a
 * browser. Bytes only: write them with `writeFileAtomic` from `@nlpkit/core/node`, `fetch` them, keep them in
 * IndexedDB.
 */
export function encodeTextClassifier(model: TextClassifierModel, options: EncodeTextClassifierOptions = {}): Uint8Array {
  checkKeys(options, 'options', ['dtype', 'meta']);
  checkKeys(model, 'model', ['config', 'params', 'vocabulary', 'labels']);
  const dtype = checkOneOf(options.dtype ?? 'float32', 'options.dtype', ['float32', 'float16']);
  const config = checkTextClassifierConfig(model.config, 'model.config');
  const vocabulary = model.vocabulary;
  if (vocabulary === null || typeof vocabulary !== 'object' || typeof vocabulary.toJSON !== 'function') {
    throw new RnnOptionError({ argument: 'model.vocabulary', expected: 'a Vocabulary from @nlpkit/core', found: vocabulary });
  }
  if (vocabulary.size !== config.vocabSize) throw new RnnOptionError({ argument: 'model.vocabulary.size', expected: `config.vocabSize (${config.vocabSize})`, found: vocabulary.size });
  const labels = checkLabels(model.labels, config.numLabels, 'model.labels', RnnOptionError);
  const meta = options.meta ?? {};
  for (const [k, v] of Object.entries(meta)) if (typeof v !== 'string') throw new RnnOptionError({ argument: `options.meta.${k}`, expected: 'a string', found: v });
  const params = model.params;
  checkWeightShapes(textClassifierShapes(config), new Map(Object.entries(params).map(([n, t]) => [n, t.shape])), 'model.params', `config ${JSON.stringify(config)}`);
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of Object.entries(params)) {
    const values = t.dataSync() as Float32Array;
    const data = dtype === 'float16' ? float16Bytes(values) : new Uint8Array(Float32Array.from(values).buffer);
    raw.set(name, { dtype: dtype === 'float16' ? 'F16' : 'F32', shape: t.shape, data });
  }
  return serializeSafetensors(raw, {
    format: FORMAT,
    config: JSON.stringify(config),
    vocabulary: JSON.stringify(vocabulary.toJSON()),
    labels: JSON.stringify(labels),
    meta: JSON.stringify(meta),
  });
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
 * Reads an artifact written by {@link encodeTextClassifier} (untrusted bytes: everything is checked before any
 * tensor is made). F16 weights widen to float32.
 * @throws RnnModelFormatError for bytes that are not a classifier artifact or unreadable metadata; UnknownNameError
 *   for an unknown kind or cell type; RnnOptionError for a bad config; RnnShapeError for weights, vocabulary or
 *   labels that do not match the config; SafetensorsError for malformed safetensors
 */
export function decodeTextClassifier(bytes: Uint8Array): TextClassifierArtifact {
  const parsed = parseSafetensors(bytes);
  const md = parsed.metadata;
  if (md['format'] !== FORMAT) throw new RnnModelFormatError({ argument: 'model format', expected: `"${FORMAT}"`, found: md['format'] ?? null });
  const config = checkTextClassifierConfig(parseJson(md['config'], 'config') as TextClassifierConfig, 'config');
  let vocabulary: Vocabulary;
  try {
    vocabulary = vocabularyFromJSON(parseJson(md['vocabulary'], 'vocabulary') as never);
  } catch (cause) {
    if (cause instanceof RnnModelFormatError) throw cause;
    throw new RnnModelFormatError({ argument: 'model metadata "vocabulary"', expected: 'a vocabulary saved with toJSON()', found: md['vocabulary']?.slice(0, 80), cause });
  }
  if (vocabulary.size !== config.vocabSize) throw new RnnShapeError({ argument: 'vocabulary', expected: `config.vocabSize (${config.vocabSize}) ids`, found: vocabulary.size });
  const labels = checkLabels(parseJson(md['labels'], 'labels'), config.numLabels, 'model metadata "labels"', RnnModelFormatError);
  const metaJson = md['meta'] === undefined ? {} : parseJson(md['meta'], 'meta');
  if (metaJson === null || typeof metaJson !== 'object' || Array.isArray(metaJson) || Object.values(metaJson).some((v) => typeof v !== 'string')) {
    throw new RnnModelFormatError({ argument: 'model metadata "meta"', expected: 'a JSON object of strings', found: md['meta'] });
  }
  for (const [name, t] of parsed.tensors) {
    if (t.dtype !== 'F32' && t.dtype !== 'F16' && t.dtype !== 'BF16') throw new RnnModelFormatError({ argument: `weight "${name}"`, expected: 'F32, F16 or BF16', found: t.dtype });
  }
  checkWeightShapes(textClassifierShapes(config), new Map([...parsed.tensors].map(([name, t]) => [name, t.shape])), 'weights', `config ${JSON.stringify(config)}`);
  const { tensors } = loadSafetensors(bytes);
  const params: Record<string, Tensor> = { ...tensors };
  return Object.freeze({
    config,
    params: Object.freeze(params),
    vocabulary,
    labels: Object.freeze([...labels]),
    meta: Object.freeze({ ...(metaJson as Record<string, string>) }),
    dispose: () => {
      for (const t of Object.values(tensors)) t.dispose();
    },
  });
}
