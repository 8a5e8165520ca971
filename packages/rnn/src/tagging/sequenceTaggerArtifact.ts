import type { Tensor } from '@tensorflow/tfjs-core';
import { checkSyncRead } from '@nlpkit/tensor';
import { PKG, RnnModelFormatError, RnnShapeError } from '../errors.js';
import { checkMeta, decodeModelArtifact, encodeModelArtifact, encodeModelArtifactAsync, metadataJson, metadataMeta, metadataVocabulary } from '../models/modelArtifact.js';
import { checkKeys } from '../validate.js';
import { checkSequenceTaggerConfig, sequenceTaggerShapes, type SequenceTaggerConfig, type SequenceTaggerParams } from './sequenceTagger.js';
import { sequenceTagger, type SequenceTagger, type SequenceTaggerOptions } from './sequenceTaggerModel.js';
import type { TaggerVocabularies } from './taggerData.js';

const FORMAT = 'nlpkit-sequence-tagger/1';

/** Options of {@link encodeSequenceTagger}. */
export interface EncodeSequenceTaggerOptions {
  /** `'float32'` (default, exact) or `'float16'` (half the size; loaded back as float32). */
  readonly dtype?: 'float32' | 'float16';
  /** Free-form strings kept with the model: the recipe, the command, its scores. */
  readonly meta?: Readonly<Record<string, string>>;
}

/** A decoded tagger artifact: the tagger, its parts, and `dispose` for its tensors. */
export interface SequenceTaggerArtifact {
  readonly config: SequenceTaggerConfig;
  readonly params: SequenceTaggerParams;
  readonly vocabularies: TaggerVocabularies;
  readonly meta: Readonly<Record<string, string>>;
  readonly tagger: SequenceTagger;
  dispose(): void;
}

/**
 * One self-describing artifact for a tagger: config, word/character vocabularies, tag set and weights in one
 * safetensors file (the layout of `encodeRecurrentLm`), which {@link decodeSequenceTagger} turns back into a
 * working tagger in Node or a browser. Bytes only: fs, fetch or IndexedDB stay with the caller.
 */
export function encodeSequenceTagger(model: SequenceTaggerOptions, options: EncodeSequenceTaggerOptions = {}): Uint8Array {
  checkSyncRead({ package: PKG, what: 'encodeSequenceTagger', alternative: 'encodeSequenceTaggerAsync' });
  return encodeModelArtifact(...encodeSequenceTaggerArgs(model, options));
}

/** {@link encodeSequenceTagger} reading the weights asynchronously: for every backend, webgpu included (same bytes). */
export async function encodeSequenceTaggerAsync(model: SequenceTaggerOptions, options: EncodeSequenceTaggerOptions = {}): Promise<Uint8Array> {
  return encodeModelArtifactAsync(...encodeSequenceTaggerArgs(model, options));
}

function encodeSequenceTaggerArgs(model: SequenceTaggerOptions, options: EncodeSequenceTaggerOptions): Parameters<typeof encodeModelArtifact> {
  checkKeys(options, 'options', ['dtype', 'meta']);
  checkKeys(model, 'model', ['config', 'params', 'vocabularies']);
  const config = checkSequenceTaggerConfig(model.config, 'model.config');
  // sequenceTagger checks the vocabularies against the config.
  const { vocabularies } = sequenceTagger({ config, params: model.params, vocabularies: model.vocabularies });
  const meta = checkMeta(options.meta ?? {}, 'options.meta');
  return [
    FORMAT,
    model.params,
    sequenceTaggerShapes(config),
    {
      config: JSON.stringify(config),
      words: JSON.stringify(vocabularies.words.toJSON()),
      ...(vocabularies.chars !== undefined ? { chars: JSON.stringify(vocabularies.chars.toJSON()) } : {}),
      tags: JSON.stringify(vocabularies.tags),
      meta: JSON.stringify(meta),
    },
    options.dtype,
    config,
  ];
}

/** Nested records from dotted names; records whose keys are 0..n-1 become arrays (`rnn.layers.0.forward.wIh`). */
function treeFromDict(dict: Readonly<Record<string, Tensor>>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(dict)) {
    const parts = name.split('.');
    let node = root;
    parts.slice(0, -1).forEach((p) => {
      node[p] ??= {};
      node = node[p] as Record<string, unknown>;
    });
    node[parts[parts.length - 1] as string] = t;
  }
  const arrays = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object' || !(v.constructor === Object)) return v;
    const rec = v as Record<string, unknown>;
    const keys = Object.keys(rec);
    const out = Object.fromEntries(keys.map((k) => [k, arrays(rec[k])]));
    return keys.length > 0 && keys.every((k, i) => k === String(i)) ? keys.map((k) => out[k]) : out;
  };
  return arrays(root) as Record<string, unknown>;
}

/**
 * Reads an artifact written by {@link encodeSequenceTagger} (untrusted bytes: format, config, vocabularies and
 * every weight's shape are checked before any tensor is made).
 * @throws RnnModelFormatError for bytes that are not a tagger artifact or unreadable metadata; RnnOptionError for
 *   a bad config; RnnShapeError for weights or vocabularies that do not match the config
 */
export function decodeSequenceTagger(bytes: Uint8Array): SequenceTaggerArtifact {
  const { value, tensors } = decodeModelArtifact(bytes, FORMAT, (md) => {
    const config = checkSequenceTaggerConfig(metadataJson(md, 'config') as SequenceTaggerConfig, 'config');
    const tags = metadataJson(md, 'tags');
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) throw new RnnModelFormatError({ argument: 'model metadata "tags"', expected: 'a JSON array of strings', found: md['tags'] });
    if (tags.length !== config.numTags) throw new RnnShapeError({ argument: 'model metadata "tags"', expected: `config.numTags (${config.numTags}) tags`, found: tags.length });
    const words = metadataVocabulary(md, 'words');
    const chars = config.chars === undefined ? undefined : metadataVocabulary(md, 'chars');
    const meta = metadataMeta(md);
    const vocabularies: TaggerVocabularies = { words, ...(chars !== undefined ? { chars } : {}), tags: tags as string[] };
    return { value: { config, vocabularies, meta }, expected: sequenceTaggerShapes(config), config };
  });
  const dispose = (): void => {
    for (const t of Object.values(tensors)) t.dispose();
  };
  try {
    const params = treeFromDict(tensors) as unknown as SequenceTaggerParams;
    const tagger = sequenceTagger({ config: value.config, params, vocabularies: value.vocabularies });
    return Object.freeze({ config: value.config, params, vocabularies: value.vocabularies, meta: Object.freeze({ ...value.meta }), tagger, dispose });
  } catch (error) {
    dispose();
    throw error;
  }
}
