import type { Tensor } from '@tensorflow/tfjs-core';
import type { Vocabulary } from '@nlpkit/core';
import { checkMeta, decodeModelArtifact, encodeModelArtifact, metadataJson, metadataMeta, metadataVocabulary } from '@nlpkit/rnn';
import { check, checkKeys, Seq2seqOptionError, Seq2seqShapeError } from '../errors.js';
import type { Seq2seqParams } from './initSeq2seq.js';
import { checkSeq2seqConfig, seq2seqShapes, type Seq2seqConfig } from './seq2seqConfig.js';
import type { Seq2seqTranslator } from './seq2seqDecoderSession.js';

/** The artifact's `format` metadata. */
export const SEQ2SEQ_FORMAT = 'nlpkit-seq2seq/1';

/** Options of {@link encodeSeq2seq}. */
export interface EncodeSeq2seqOptions {
  /** `'float32'` (default, exact) or `'float16'` (half the size; weights rounded to nearest, loaded back as float32). */
  readonly dtype?: 'float32' | 'float16';
  /** Free-form strings kept with the model: the recipe, its scores. */
  readonly meta?: Readonly<Record<string, string>>;
}

/** A decoded artifact: the model (float32 tensors it owns), its vocabularies and meta. */
export interface Seq2seqArtifact extends Seq2seqTranslator {
  readonly meta: Readonly<Record<string, string>>;
  /** Frees the weights. */
  dispose(): void;
}

function checkVocabulary(vocabulary: unknown, argument: string, size: number, sizeName: string): Vocabulary {
  if (vocabulary === null || typeof vocabulary !== 'object' || typeof (vocabulary as Vocabulary).toJSON !== 'function') {
    throw new Seq2seqOptionError({ argument, expected: 'a Vocabulary from @nlpkit/core', found: vocabulary });
  }
  const v = vocabulary as Vocabulary;
  if (v.size !== size) throw new Seq2seqShapeError({ argument: `${argument}.size`, expected: `${sizeName} (${size})`, found: v.size });
  return v;
}

/**
 * One self-describing file: config, both vocabularies and the weights in a safetensors file (config and vocabularies
 * as JSON in its metadata), which {@link decodeSeq2seq} turns back into a working model in Node or in a browser.
 * Bytes only: write them with `writeSeq2seqFile` from `@nlpkit/seq2seq/node`, `fetch` them, keep them in IndexedDB.
 * @throws Seq2seqShapeError when a vocabulary's size or a weight's shape does not fit the config
 */
export function encodeSeq2seq(model: Seq2seqTranslator, options: EncodeSeq2seqOptions = {}): Uint8Array {
  checkKeys(model, 'model', ['config', 'params', 'sourceVocabulary', 'targetVocabulary']);
  check.options(options, 'options', ['dtype', 'meta']);
  const dtype = check.oneOf(options.dtype ?? 'float32', 'options.dtype', ['float32', 'float16']);
  const config = checkSeq2seqConfig(model.config, 'model.config');
  const source = checkVocabulary(model.sourceVocabulary, 'model.sourceVocabulary', config.sourceVocabSize, 'config.sourceVocabSize');
  const target = checkVocabulary(model.targetVocabulary, 'model.targetVocabulary', config.targetVocabSize, 'config.targetVocabSize');
  const meta = checkMeta(options.meta ?? {}, 'options.meta');
  const metadata = {
    format: SEQ2SEQ_FORMAT,
    config: JSON.stringify(config),
    sourceVocabulary: JSON.stringify(source.toJSON()),
    targetVocabulary: JSON.stringify(target.toJSON()),
    meta: JSON.stringify(meta),
  };
  return encodeModelArtifact(SEQ2SEQ_FORMAT, model.params, seq2seqShapes(config), metadata, dtype, config);
}

/**
 * Reads an artifact written by {@link encodeSeq2seq} (untrusted bytes: the format, config, vocabularies and every
 * weight's shape are checked before any tensor is made). F16 weights widen to float32. No Node API is used.
 * @throws RnnModelFormatError for bytes that are not a seq2seq artifact or unreadable metadata; UnknownNameError or
 *   Seq2seqOptionError for a bad config; Seq2seqShapeError for a vocabulary that does not fit the config;
 *   RnnShapeError for weights that do not match the config; SafetensorsError for malformed safetensors
 */
export function decodeSeq2seq(bytes: Uint8Array): Seq2seqArtifact {
  const { value, tensors } = decodeModelArtifact(bytes, SEQ2SEQ_FORMAT, (md) => {
    const config = checkSeq2seqConfig(metadataJson(md, 'config') as Seq2seqConfig, 'config');
    const sourceVocabulary = checkVocabulary(metadataVocabulary(md, 'sourceVocabulary'), 'sourceVocabulary', config.sourceVocabSize, 'config.sourceVocabSize');
    const targetVocabulary = checkVocabulary(metadataVocabulary(md, 'targetVocabulary'), 'targetVocabulary', config.targetVocabSize, 'config.targetVocabSize');
    return { value: { config, sourceVocabulary, targetVocabulary, meta: metadataMeta(md) }, expected: seq2seqShapes(config), config };
  });
  const params: Seq2seqParams = Object.freeze({ ...tensors });
  return Object.freeze({
    ...value,
    meta: Object.freeze({ ...value.meta }),
    params,
    dispose: () => {
      for (const t of Object.values(tensors) as Tensor[]) t.dispose();
    },
  });
}
