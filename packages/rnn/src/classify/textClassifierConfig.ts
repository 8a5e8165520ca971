import { UnknownNameError } from '@nlpkit/core';
import { checkCellConfig } from '../cells/checkCellConfig.js';
import { PKG, RnnOptionError } from '../errors.js';
import type { CellConfig } from '../types.js';
import { checkKeys, checkNumber, checkOneOf } from '../validate.js';

/** How a many-to-one RNN turns its outputs into one vector: the final states, or the mean or max over valid steps. */
export type SequencePooling = 'last' | 'mean' | 'max';

/** Fields every text classifier config has. */
interface ClassifierBase {
  readonly vocabSize: number;
  /** Number of classes (the artifact keeps their names). */
  readonly numLabels: number;
  readonly embeddingSize: number;
  /** Lower-case input text before looking tokens up (applied by `classifierTokens`). Default false. */
  readonly lowercase?: boolean;
}

/** Many-to-one RNN: embedding → (bi)LSTM/GRU/RNN stack → pooling over valid steps → dense → logits. */
export interface RnnClassifierConfig extends ClassifierBase {
  readonly kind: 'rnn';
  readonly hiddenSize: number;
  readonly layers: number;
  /** Default `{ type: 'lstm' }`. */
  readonly cell?: CellConfig;
  /** Default false. Directions are concatenated. */
  readonly bidirectional?: boolean;
  readonly pooling: SequencePooling;
}

/** Deep Averaging Network (Iyyer et al. 2015): mean of the embeddings → hidden layers → logits. */
export interface DanClassifierConfig extends ClassifierBase {
  readonly kind: 'dan';
  /** Widths of the hidden layers (Iyyer: two or three of 300). May be empty. */
  readonly hiddenSizes: readonly number[];
  /** Default `'relu'`. */
  readonly activation?: 'relu' | 'tanh';
}

/** Text CNN (Kim 2014): filters of several widths over the embeddings → ReLU → max over time → logits. */
export interface CnnClassifierConfig extends ClassifierBase {
  readonly kind: 'cnn';
  /** Filter widths in tokens (Kim: 3, 4, 5). */
  readonly widths: readonly number[];
  /** Filters per width (Kim: 100). */
  readonly filters: number;
}

/** Any text classifier. */
export type TextClassifierConfig = RnnClassifierConfig | DanClassifierConfig | CnnClassifierConfig;

const KINDS = ['rnn', 'dan', 'cnn'] as const;
const BASE = ['kind', 'vocabSize', 'numLabels', 'embeddingSize', 'lowercase'];
const KEYS = { rnn: [...BASE, 'hiddenSize', 'layers', 'cell', 'bidirectional', 'pooling'], dan: [...BASE, 'hiddenSizes', 'activation'], cnn: [...BASE, 'widths', 'filters'] };

function sizes(value: unknown, argument: string, min: number, max: number, nonEmpty: boolean): readonly number[] {
  if (!Array.isArray(value) || (nonEmpty && value.length === 0)) {
    throw new RnnOptionError({ argument, expected: `an array of integers from ${min} to ${max}${nonEmpty ? ' (at least one)' : ''}`, found: value });
  }
  value.forEach((v, i) => checkNumber(v, `${argument}[${i}]`, min, max, true));
  return value as number[];
}

/**
 * Checks a {@link TextClassifierConfig} (from code or from a file) key by key: known `kind`, only that kind's keys,
 * sizes in range, a known cell type with only its options. Returns it unchanged.
 * @throws UnknownNameError for an unknown `kind` or cell type; RnnOptionError for anything else
 */
export function checkTextClassifierConfig(config: TextClassifierConfig, argument = 'config'): TextClassifierConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new RnnOptionError({ argument, expected: 'a text classifier config record', found: config });
  }
  const kind = (config as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    throw new UnknownNameError({ package: PKG, argument: `${argument}.kind`, found: kind, allowed: KINDS });
  }
  checkKeys(config, argument, KEYS[kind as (typeof KINDS)[number]]);
  checkNumber(config.vocabSize, `${argument}.vocabSize`, 1, 1 << 24, true);
  checkNumber(config.numLabels, `${argument}.numLabels`, 2, 1 << 16, true);
  checkNumber(config.embeddingSize, `${argument}.embeddingSize`, 1, 1 << 16, true);
  if (config.lowercase !== undefined && typeof config.lowercase !== 'boolean') {
    throw new RnnOptionError({ argument: `${argument}.lowercase`, expected: 'a boolean', found: config.lowercase });
  }
  if (config.kind === 'rnn') {
    checkNumber(config.hiddenSize, `${argument}.hiddenSize`, 1, 1 << 16, true);
    checkNumber(config.layers, `${argument}.layers`, 1, 64, true);
    checkOneOf(config.pooling, `${argument}.pooling`, ['last', 'mean', 'max']);
    if (config.bidirectional !== undefined && typeof config.bidirectional !== 'boolean') {
      throw new RnnOptionError({ argument: `${argument}.bidirectional`, expected: 'a boolean', found: config.bidirectional });
    }
    if (config.cell !== undefined) checkCellConfig(config.cell, `${argument}.cell`);
  } else if (config.kind === 'dan') {
    sizes(config.hiddenSizes, `${argument}.hiddenSizes`, 1, 1 << 16, false);
    if (config.activation !== undefined) checkOneOf(config.activation, `${argument}.activation`, ['relu', 'tanh']);
  } else {
    sizes(config.widths, `${argument}.widths`, 1, 64, true);
    checkNumber(config.filters, `${argument}.filters`, 1, 1 << 16, true);
  }
  return config;
}

/** Width of the vector the output layer reads. */
export function featureSize(config: TextClassifierConfig): number {
  if (config.kind === 'rnn') return config.hiddenSize * (config.bidirectional === true ? 2 : 1);
  if (config.kind === 'dan') return config.hiddenSizes.length === 0 ? config.embeddingSize : (config.hiddenSizes[config.hiddenSizes.length - 1] as number);
  return config.widths.length * config.filters;
}

/**
 * The name and shape of every weight a config implies (a flat state dict): `embedding [V, E]`; RNN:
 * `rnn.layers.k.forward|backward.{wIh, wHh, bias}` (GRU: `bIh`, `bHh`); DAN: `hidden.k.{w, b}`; CNN:
 * `conv.k.w [width·E, filters]`, `conv.k.b`; then `output.w [features, labels]`, `output.b`.
 */
export function textClassifierShapes(config: TextClassifierConfig): Map<string, number[]> {
  checkTextClassifierConfig(config, 'config');
  const E = config.embeddingSize;
  const shapes = new Map<string, number[]>([['embedding', [config.vocabSize, E]]]);
  if (config.kind === 'rnn') {
    const cell = config.cell ?? { type: 'lstm' };
    const H = config.hiddenSize;
    const gates = cell.type === 'lstm' ? (cell.coupled === true ? 3 : 4) : cell.type === 'gru' ? 3 : 1;
    const dirs = config.bidirectional === true ? ['forward', 'backward'] : ['forward'];
    for (let k = 0; k < config.layers; k++) {
      for (const dir of dirs) {
        const at = `rnn.layers.${k}.${dir}`;
        shapes.set(`${at}.wIh`, [k === 0 ? E : H * dirs.length, gates * H]);
        shapes.set(`${at}.wHh`, [H, gates * H]);
        if (cell.type === 'gru') {
          shapes.set(`${at}.bIh`, [gates * H]);
          shapes.set(`${at}.bHh`, [gates * H]);
        } else shapes.set(`${at}.bias`, [gates * H]);
      }
    }
  } else if (config.kind === 'dan') {
    let width = E;
    config.hiddenSizes.forEach((h, k) => {
      shapes.set(`hidden.${k}.w`, [width, h]);
      shapes.set(`hidden.${k}.b`, [h]);
      width = h;
    });
  } else {
    config.widths.forEach((w, k) => {
      shapes.set(`conv.${k}.w`, [w * E, config.filters]);
      shapes.set(`conv.${k}.b`, [config.filters]);
    });
  }
  shapes.set('output.w', [featureSize(config), config.numLabels]);
  shapes.set('output.b', [config.numLabels]);
  return shapes;
}

/** Tokens of one line of text as a classifier reads it: split on whitespace, lower-cased when the config says so. */
export function classifierTokens(config: Pick<TextClassifierConfig, 'lowercase'>, line: string): string[] {
  const text = config.lowercase === true ? line.toLowerCase() : line;
  return text.split(/\s+/).filter((t) => t !== '');
}
