import { UnknownNameError } from '@nlpkit/core';
import { check, checkKeys, PKG, Seq2seqOptionError } from '../errors.js';

/** Recurrent cells an encoder-decoder may use. */
export const SEQ2SEQ_CELLS = ['lstm', 'gru'] as const;

/**
 * Attention score functions: `'bahdanau'` (additive, Bahdanau et al. 2015: the query is the decoder state before
 * the step and the context is fed into the recurrent cell), Luong et al. 2015's `'dot'`, `'general'` and `'concat'`
 * (the query is the state after the step), `'scaled-dot'` (dot / √hiddenSize, Vaswani et al. 2017), or `'none'`.
 */
export const ATTENTION_TYPES = ['bahdanau', 'dot', 'general', 'concat', 'scaled-dot', 'none'] as const;

/** How the encoder's final states become the decoder's initial states. */
export const BRIDGE_TYPES = ['dense', 'copy', 'zero'] as const;

/** One of {@link ATTENTION_TYPES}. */
export type AttentionType = (typeof ATTENTION_TYPES)[number];
/** One of {@link BRIDGE_TYPES}. */
export type BridgeType = (typeof BRIDGE_TYPES)[number];

/**
 * Shape of a recurrent encoder-decoder. A bidirectional encoder runs `hiddenSize / 2` units per direction, so the
 * encoder outputs (the attention memory) are always `hiddenSize` wide, as OpenNMT's `brnn` does.
 */
export interface Seq2seqConfig {
  readonly sourceVocabSize: number;
  readonly targetVocabSize: number;
  readonly embeddingSize: number;
  readonly hiddenSize: number;
  readonly encoderLayers: number;
  readonly decoderLayers: number;
  readonly cell: 'lstm' | 'gru';
  /** Bidirectional encoder (needs an even `hiddenSize`). */
  readonly bidirectional: boolean;
  /** Feed the source to the encoder reversed (Sutskever et al. 2014); the memory stays in source order. */
  readonly reverseSource: boolean;
  /**
   * Decoder initial states: `'dense'` (tanh of an affine map of the encoder's final states, per decoder layer),
   * `'copy'` (the encoder's final states as they are; needs `encoderLayers === decoderLayers`), `'zero'`.
   */
  readonly bridge: BridgeType;
  readonly attention: AttentionType;
  /** Luong's input feeding: the previous attentional state joins the next step's input. Not with `'none'`. */
  readonly inputFeeding: boolean;
  /** Dropout rate on embeddings, between layers and before the output layer while training. */
  readonly dropout: number;
  /** Output layer weight tied to the target embedding table (needs `embeddingSize === hiddenSize`). */
  readonly tiedTargetEmbeddings?: boolean;
}

const KEYS = [
  'sourceVocabSize', 'targetVocabSize', 'embeddingSize', 'hiddenSize', 'encoderLayers', 'decoderLayers', 'cell', 'bidirectional',
  'reverseSource', 'bridge', 'attention', 'inputFeeding', 'dropout', 'tiedTargetEmbeddings',
] as const;

function bool(value: unknown, argument: string): boolean {
  if (typeof value !== 'boolean') throw new Seq2seqOptionError({ argument, expected: 'a boolean', found: value });
  return value;
}

function name<T extends string>(value: unknown, argument: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new UnknownNameError({ package: PKG, argument, found: value, allowed });
  return value as T;
}

/**
 * Checks a {@link Seq2seqConfig} (from code or an untrusted file) field by field and returns it unchanged.
 * @throws UnknownNameError for an unknown `cell`, `attention` or `bridge` (listing the allowed names);
 *   Seq2seqOptionError for an unknown key, a missing field, a size out of range or fields that do not fit together;
 *   InvalidArgumentError for a non-integer size
 */
export function checkSeq2seqConfig(config: Seq2seqConfig, argument = 'config'): Seq2seqConfig {
  checkKeys(config, argument, KEYS);
  for (const key of ['sourceVocabSize', 'targetVocabSize'] as const) check.integer(config[key], `${argument}.${key}`, 5, 1 << 24);
  check.integer(config.embeddingSize, `${argument}.embeddingSize`, 1, 1 << 16);
  const H = check.integer(config.hiddenSize, `${argument}.hiddenSize`, 1, 1 << 16);
  const le = check.integer(config.encoderLayers, `${argument}.encoderLayers`, 1, 16);
  const ld = check.integer(config.decoderLayers, `${argument}.decoderLayers`, 1, 16);
  name(config.cell, `${argument}.cell`, SEQ2SEQ_CELLS);
  const bi = bool(config.bidirectional, `${argument}.bidirectional`);
  bool(config.reverseSource, `${argument}.reverseSource`);
  const bridge = name(config.bridge, `${argument}.bridge`, BRIDGE_TYPES);
  const attention = name(config.attention, `${argument}.attention`, ATTENTION_TYPES);
  const feeding = bool(config.inputFeeding, `${argument}.inputFeeding`);
  check.number(config.dropout, `${argument}.dropout`, 0, 0.95);
  if (config.tiedTargetEmbeddings !== undefined) bool(config.tiedTargetEmbeddings, `${argument}.tiedTargetEmbeddings`);
  if (bi && H % 2 !== 0) {
    throw new Seq2seqOptionError({ argument: `${argument}.hiddenSize`, expected: 'even for a bidirectional encoder (hiddenSize / 2 units per direction)', found: H });
  }
  if (bridge === 'copy' && le !== ld) {
    throw new Seq2seqOptionError({ argument: `${argument}.bridge`, expected: `"dense" or "zero" when encoderLayers (${le}) differs from decoderLayers (${ld})`, found: bridge });
  }
  if (attention === 'none' && feeding) {
    throw new Seq2seqOptionError({ argument: `${argument}.inputFeeding`, expected: 'false without attention (it feeds the attentional state)', found: true });
  }
  if (config.tiedTargetEmbeddings === true && config.embeddingSize !== H) {
    throw new Seq2seqOptionError({ argument: `${argument}.embeddingSize`, expected: `equal to hiddenSize (${H}) for tied target embeddings`, found: config.embeddingSize });
  }
  return config;
}

/** Gate blocks of a cell's weight columns. */
export function cellGates(cell: Seq2seqConfig['cell']): number {
  return cell === 'lstm' ? 4 : 3;
}

/** Width of the first decoder layer's input: the embedding, the context (`'bahdanau'`) and the fed state. */
export function decoderInputSize(config: Seq2seqConfig): number {
  return config.embeddingSize + (config.attention === 'bahdanau' ? config.hiddenSize : 0) + (config.inputFeeding ? config.hiddenSize : 0);
}

function cellShapes(shapes: Map<string, number[]>, at: string, cell: Seq2seqConfig['cell'], input: number, hidden: number): void {
  const G = cellGates(cell) * hidden;
  shapes.set(`${at}.wIh`, [input, G]);
  shapes.set(`${at}.wHh`, [hidden, G]);
  if (cell === 'gru') {
    shapes.set(`${at}.bIh`, [G]);
    shapes.set(`${at}.bHh`, [G]);
  } else shapes.set(`${at}.bias`, [G]);
}

/**
 * The name and shape of every weight a config implies (the flat state dict {@link initSeq2seq} makes and the
 * artifact stores): `source.embedding`, `encoder.layers.k.{forward,backward}.*`, `bridge.layers.k.{h,c}.{w,b}`,
 * `target.embedding`, `decoder.layers.k.forward.*`, `attention.*`, `combine.{w,b}`, `output.{w,b}`.
 */
export function seq2seqShapes(config: Seq2seqConfig): Map<string, number[]> {
  const c = checkSeq2seqConfig(config);
  const H = c.hiddenSize;
  const He = c.bidirectional ? H / 2 : H;
  const shapes = new Map<string, number[]>([['source.embedding', [c.sourceVocabSize, c.embeddingSize]]]);
  for (let k = 0; k < c.encoderLayers; k++) {
    const input = k === 0 ? c.embeddingSize : H;
    cellShapes(shapes, `encoder.layers.${k}.forward`, c.cell, input, He);
    if (c.bidirectional) cellShapes(shapes, `encoder.layers.${k}.backward`, c.cell, input, He);
  }
  if (c.bridge === 'dense') {
    for (let k = 0; k < c.decoderLayers; k++) {
      for (const part of c.cell === 'lstm' ? ['h', 'c'] : ['h']) {
        shapes.set(`bridge.layers.${k}.${part}.w`, [H, H]);
        shapes.set(`bridge.layers.${k}.${part}.b`, [H]);
      }
    }
  }
  shapes.set('target.embedding', [c.targetVocabSize, c.embeddingSize]);
  for (let k = 0; k < c.decoderLayers; k++) cellShapes(shapes, `decoder.layers.${k}.forward`, c.cell, k === 0 ? decoderInputSize(c) : H, H);
  if (c.attention === 'bahdanau' || c.attention === 'concat') {
    shapes.set('attention.wQuery', [H, H]);
    shapes.set('attention.wKey', [H, H]);
    shapes.set('attention.v', [H, 1]);
  } else if (c.attention === 'general') shapes.set('attention.w', [H, H]);
  if (c.attention !== 'none') {
    shapes.set('combine.w', [2 * H, H]);
    shapes.set('combine.b', [H]);
  }
  if (c.tiedTargetEmbeddings !== true) shapes.set('output.w', [H, c.targetVocabSize]);
  shapes.set('output.b', [c.targetVocabSize]);
  return shapes;
}
