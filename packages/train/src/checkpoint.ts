import type { Tensor } from '@tensorflow/tfjs-core';
import { loadSafetensors, saveSafetensors } from '@nlpkit/tensor';
import { CheckpointError } from './errors.js';

const FORMAT = 'nlpkit-checkpoint/1';
/** What `@nlpkit/rnn` wrote before training moved to this package; still read. */
const FORMATS: readonly string[] = [FORMAT, 'nlpkit-rnn-checkpoint/1'];

/** Everything needed to resume training exactly where it stopped. */
export interface Checkpoint {
  /** Model parameters (flat state dict). */
  params: Record<string, Tensor>;
  /** Optimizer state from `optimizer.state()`. */
  optimizer: Record<string, Tensor>;
  /** `optimizer.kind`, checked on resume. */
  optimizerKind: string;
  /** The RNG's `getState()` (JSON-serialisable), for dropout masks and shuffling. */
  rng: unknown;
  /** Loop state: position in the data and early-stopping bookkeeping (JSON-serialisable). */
  loop: unknown;
  /** Free-form strings (config, vocabulary hash...). */
  meta?: Record<string, string>;
}

/**
 * Serialises a checkpoint to safetensors bytes: tensors under `params.*` and `optimizer.*`, everything else in
 * the header metadata. Bytes only; writing them atomically is `writeFileAtomic` from `@nlpkit/train/node`.
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(checkpoint.params)) tensors[`params.${k}`] = v;
  for (const [k, v] of Object.entries(checkpoint.optimizer)) tensors[`optimizer.${k}`] = v;
  return saveSafetensors(tensors, {
    format: FORMAT,
    optimizerKind: checkpoint.optimizerKind,
    rng: JSON.stringify(checkpoint.rng ?? null),
    loop: JSON.stringify(checkpoint.loop ?? null),
    meta: JSON.stringify(checkpoint.meta ?? {}),
  });
}

/** Reads bytes written by {@link encodeCheckpoint}; the caller owns (and disposes) the returned tensors. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const { tensors, metadata } = loadSafetensors(bytes);
  if (!FORMATS.includes(metadata['format'] ?? '')) {
    for (const t of Object.values(tensors)) t.dispose();
    throw new CheckpointError({ argument: 'checkpoint format', expected: `"${FORMAT}"`, found: metadata['format'] ?? null });
  }
  const params: Record<string, Tensor> = {};
  const optimizer: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(tensors)) {
    if (k.startsWith('params.')) params[k.slice(7)] = v;
    else if (k.startsWith('optimizer.')) optimizer[k.slice(10)] = v;
    else v.dispose();
  }
  const parse = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key] ?? 'null') as unknown;
    } catch {
      throw new CheckpointError({ argument: `checkpoint metadata "${key}"`, expected: 'JSON', found: metadata[key] });
    }
  };
  return {
    params,
    optimizer,
    optimizerKind: metadata['optimizerKind'] ?? '',
    rng: parse('rng'),
    loop: parse('loop'),
    meta: parse('meta') as Record<string, string>,
  };
}
