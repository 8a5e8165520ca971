import type { Tensor } from '@tensorflow/tfjs-core';
import { checkSyncRead } from '@nlpkit/tensor';
import type { Vocabulary } from '@nlpkit/core';
import { PKG, RnnModelFormatError, RnnOptionError, RnnShapeError } from '../errors.js';
import { checkMeta, decodeModelArtifact, encodeModelArtifact, encodeModelArtifactAsync, metadataJson, metadataMeta, metadataVocabulary } from '../models/modelArtifact.js';
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
  checkSyncRead({ package: PKG, what: 'encodeTextClassifier', alternative: 'encodeTextClassifierAsync' });
  return encodeModelArtifact(...encodeTextClassifierArgs(model, options));
}

/** {@link encodeTextClassifier} reading the weights asynchronously: for every backend, webgpu included (same bytes). */
export async function encodeTextClassifierAsync(model: TextClassifierModel, options: EncodeTextClassifierOptions = {}): Promise<Uint8Array> {
  return encodeModelArtifactAsync(...encodeTextClassifierArgs(model, options));
}

function encodeTextClassifierArgs(model: TextClassifierModel, options: EncodeTextClassifierOptions): Parameters<typeof encodeModelArtifact> {
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
  const meta = checkMeta(options.meta ?? {}, 'options.meta');
  // `format` first: the byte layout these artifacts have always had.
  const metadata = { format: FORMAT, config: JSON.stringify(config), vocabulary: JSON.stringify(vocabulary.toJSON()), labels: JSON.stringify(labels), meta: JSON.stringify(meta) };
  return [FORMAT, model.params, textClassifierShapes(config), metadata, dtype, config];
}

/**
 * Reads an artifact written by {@link encodeTextClassifier} (untrusted bytes: everything is checked before any
 * tensor is made). F16 weights widen to float32.
 * @throws RnnModelFormatError for bytes that are not a classifier artifact or unreadable metadata; UnknownNameError
 *   for an unknown kind or cell type; RnnOptionError for a bad config; RnnShapeError for weights, vocabulary or
 *   labels that do not match the config; SafetensorsError for malformed safetensors
 */
export function decodeTextClassifier(bytes: Uint8Array): TextClassifierArtifact {
  const { value, tensors } = decodeModelArtifact(bytes, FORMAT, (md) => {
    const config = checkTextClassifierConfig(metadataJson(md, 'config') as TextClassifierConfig, 'config');
    const vocabulary = metadataVocabulary(md, 'vocabulary');
    if (vocabulary.size !== config.vocabSize) throw new RnnShapeError({ argument: 'vocabulary', expected: `config.vocabSize (${config.vocabSize}) ids`, found: vocabulary.size });
    const labels = checkLabels(metadataJson(md, 'labels'), config.numLabels, 'model metadata "labels"', RnnModelFormatError);
    return { value: { config, vocabulary, labels, meta: metadataMeta(md) }, expected: textClassifierShapes(config), config };
  });
  const { config, vocabulary, labels } = value;
  const params: Record<string, Tensor> = { ...tensors };
  return Object.freeze({
    config,
    params: Object.freeze(params),
    vocabulary,
    labels: Object.freeze([...labels]),
    meta: Object.freeze({ ...value.meta }),
    dispose: () => {
      for (const t of Object.values(tensors)) t.dispose();
    },
  });
}
