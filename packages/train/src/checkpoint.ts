import type { Tensor } from '@tensorflow/tfjs-core';
import { describeValue, InvalidArgumentError } from '@nlpkit/core';
import { checkSyncRead, loadSafetensors, parseSafetensors, saveSafetensors, saveSafetensorsAsync, type SafetensorsReadOptions } from '@nlpkit/tensor';
import { parseBoundedJson } from './parseBoundedJson.js';
import { check, CheckpointError, PKG } from './errors.js';

const FORMAT = 'nlpkit-checkpoint/1';
/** What `@nlpkit/rnn` wrote before training moved to this package; still read. */
const FORMATS: readonly string[] = [FORMAT, 'nlpkit-rnn-checkpoint/1'];
/** How deep the JSON of `rng` and `loop` may nest (loop states and RNG states are flat records). */
export const CHECKPOINT_MAX_JSON_DEPTH = 64;

/** Everything needed to resume training exactly where it stopped. */
export interface Checkpoint {
  /** Model parameters (flat state dict). */
  params: Record<string, Tensor>;
  /** Optimizer state from `optimizer.state()`. */
  optimizer: Record<string, Tensor>;
  /**
   * Other tensors training needs to resume exactly and that are not trained, such as the recurrent state carried
   * between truncated-BPTT segments (PyTorch calls such tensors buffers). Absent when there are none.
   */
  buffers?: Record<string, Tensor>;
  /** `optimizer.kind`, checked on resume. */
  optimizerKind: string;
  /** The RNG's `getState()` (JSON-serialisable, nested at most 64 deep), for dropout masks and shuffling. */
  rng: unknown;
  /** Loop state: position in the data and early-stopping bookkeeping (JSON-serialisable, nested at most 64 deep). */
  loop: unknown;
  /** Free-form strings (config, vocabulary hash...). */
  meta?: Record<string, string>;
}

/** Options of {@link decodeCheckpoint}: the safetensors reading limits (`maxHeaderBytes`, default 16 MiB). */
export type DecodeCheckpointOptions = SafetensorsReadOptions;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function toJson(value: unknown, argument: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value ?? null);
  } catch (cause) {
    throw new InvalidArgumentError({ package: PKG, argument, expected: 'JSON-serialisable (no cycles, no bigint)', found: value, cause });
  }
  if (text === undefined || !('value' in (parseBoundedJson(text, CHECKPOINT_MAX_JSON_DEPTH) ?? {}))) {
    throw new InvalidArgumentError({ package: PKG, argument, expected: `JSON-serialisable and nested at most ${CHECKPOINT_MAX_JSON_DEPTH} deep`, found: value });
  }
  return text;
}

/**
 * Serialises a checkpoint to safetensors bytes: tensors under `params.*`, `optimizer.*` and `buffers.*`, everything else in
 * the header metadata. Bytes only; `writeCheckpointFile` from `@nlpkit/train/node` writes them atomically. Reads the
 * tensors synchronously: on webgpu (whose synchronous read returns zeros in headless Chromium) it throws an
 * `UnsupportedError` naming {@link encodeCheckpointAsync}, which gives the same bytes on every backend.
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  checkSyncRead({ package: PKG, what: 'encodeCheckpoint', alternative: 'encodeCheckpointAsync' });
  const [tensors, metadata] = checkpointParts(checkpoint);
  return saveSafetensors(tensors, metadata);
}

/** {@link encodeCheckpoint} reading the tensors asynchronously (`await tensor.data()`): for every backend, webgpu included. */
export async function encodeCheckpointAsync(checkpoint: Checkpoint): Promise<Uint8Array> {
  const [tensors, metadata] = checkpointParts(checkpoint);
  return saveSafetensorsAsync(tensors, metadata);
}

/** The checked checkpoint as named tensors and safetensors metadata. */
function checkpointParts(checkpoint: Checkpoint): [Record<string, Tensor>, Record<string, string>] {
  if (!isRecord(checkpoint)) throw new InvalidArgumentError({ package: PKG, argument: 'checkpoint', expected: 'a checkpoint record', found: checkpoint });
  for (const key of ['params', 'optimizer'] as const) {
    if (!isRecord(checkpoint[key])) {
      throw new InvalidArgumentError({ package: PKG, argument: `checkpoint.${key}`, expected: 'a record of tensors', found: checkpoint[key] });
    }
  }
  const optimizerKind = check.string(checkpoint.optimizerKind, 'checkpoint.optimizerKind');
  const meta = checkpoint.meta ?? {};
  if (!isRecord(meta)) throw new InvalidArgumentError({ package: PKG, argument: 'checkpoint.meta', expected: 'a record of strings', found: meta });
  for (const [k, v] of Object.entries(meta)) check.string(v, `checkpoint.meta[${describeValue(k)}]`);
  // Null prototype: a parameter named `__proto__` is a key like any other.
  const tensors = Object.create(null) as Record<string, Tensor>;
  for (const [k, v] of Object.entries(checkpoint.params)) tensors[`params.${k}`] = v;
  for (const [k, v] of Object.entries(checkpoint.optimizer)) tensors[`optimizer.${k}`] = v;
  if (checkpoint.buffers !== undefined) {
    if (!isRecord(checkpoint.buffers)) {
      throw new InvalidArgumentError({ package: PKG, argument: 'checkpoint.buffers', expected: 'a record of tensors', found: checkpoint.buffers });
    }
    for (const [k, v] of Object.entries(checkpoint.buffers)) tensors[`buffers.${k}`] = v;
  }
  return [
    tensors,
    {
      format: FORMAT,
      optimizerKind,
      rng: toJson(checkpoint.rng, 'checkpoint.rng'),
      loop: toJson(checkpoint.loop, 'checkpoint.loop'),
      meta: JSON.stringify(meta),
    },
  ];
}

/**
 * Reads bytes written by {@link encodeCheckpoint}; the caller owns (and disposes) the returned tensors. The bytes
 * are untrusted: the safetensors layer checks sizes, nesting and every number (see `parseSafetensors`), and the
 * metadata is checked here — the format name, `rng` and `loop` as JSON nested at most
 * {@link CHECKPOINT_MAX_JSON_DEPTH} deep, `meta` as a record of strings — before any tensor is made. `params`,
 * `optimizer` and `meta` are null-prototype records, so a name such as `__proto__` is an ordinary key.
 * @throws CheckpointError (`ERR_CHECKPOINT`) for bad metadata; SafetensorsError for bad bytes (both FormatErrors).
 */
export function decodeCheckpoint(bytes: Uint8Array, options: DecodeCheckpointOptions = {}): Checkpoint {
  check.options(options, 'options', ['maxHeaderBytes']);
  const { metadata } = parseSafetensors(bytes, options);
  const format = metadata['format'];
  if (format === undefined || !FORMATS.includes(format)) {
    throw new CheckpointError({ argument: 'checkpoint format', expected: `"${FORMAT}"`, found: format ?? null });
  }
  const json = (key: string, absent: unknown): unknown => {
    const text = metadata[key];
    if (text === undefined) return absent;
    const parsed = parseBoundedJson(text, CHECKPOINT_MAX_JSON_DEPTH);
    if (parsed === undefined) throw new CheckpointError({ argument: `checkpoint metadata "${key}"`, expected: 'JSON', found: text });
    if (!('value' in parsed)) {
      throw new CheckpointError({ argument: `checkpoint metadata "${key}"`, expected: `JSON nested at most ${CHECKPOINT_MAX_JSON_DEPTH} deep`, foundText: 'deeper nesting' });
    }
    return parsed.value;
  };
  const rng = json('rng', null);
  const loop = json('loop', null);
  const rawMeta = json('meta', {});
  if (!isRecord(rawMeta) || Object.values(rawMeta).some((v) => typeof v !== 'string')) {
    throw new CheckpointError({ argument: 'checkpoint metadata "meta"', expected: 'a JSON object of strings', found: metadata['meta'] });
  }
  const meta = Object.assign(Object.create(null) as Record<string, string>, rawMeta);
  // Everything is checked: only now are tensors made, so no error below can leak them.
  const { tensors } = loadSafetensors(bytes, options);
  const params = Object.create(null) as Record<string, Tensor>;
  const optimizer = Object.create(null) as Record<string, Tensor>;
  const buffers = Object.create(null) as Record<string, Tensor>;
  for (const [k, v] of Object.entries(tensors)) {
    if (k.startsWith('params.')) params[k.slice(7)] = v;
    else if (k.startsWith('optimizer.')) optimizer[k.slice(10)] = v;
    else if (k.startsWith('buffers.')) buffers[k.slice(8)] = v;
    else v.dispose();
  }
  const hasBuffers = Object.keys(buffers).length > 0;
  return { params, optimizer, ...(hasBuffers ? { buffers } : {}), optimizerKind: metadata['optimizerKind'] ?? '', rng, loop, meta };
}
