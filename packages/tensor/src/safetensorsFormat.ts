import { InvalidArgumentError } from '@nlpkit/core';
import { PKG, SafetensorsError } from './errors.js';

/** Element types of the safetensors format that we read (`BOOL`..`F64`) and their byte widths. */
export const SAFETENSORS_DTYPES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
} as const;

/** A safetensors element type name. */
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPES;

/** One tensor as raw little-endian bytes. */
export interface RawTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Exactly `product(shape) * width(dtype)` bytes. */
  readonly data: Uint8Array;
}

/** A parsed safetensors file: raw tensors by name, plus the optional string metadata. */
export interface RawSafetensors {
  readonly tensors: ReadonlyMap<string, RawTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Limits applied when reading untrusted bytes. */
export interface SafetensorsReadOptions {
  /** Largest JSON header accepted, in bytes. Default 100 MB, as the reference implementation. */
  readonly maxHeaderBytes?: number;
}

const DEFAULT_MAX_HEADER = 100_000_000;

function fail(message: string): never {
  throw new SafetensorsError(`invalid safetensors: ${message}`);
}

/**
 * Parses safetensors bytes: an 8-byte little-endian header length N, N bytes of JSON header, then the data buffer.
 * Untrusted input is validated completely — header size and bounds, JSON shape, known dtypes, integer shapes,
 * offsets inside the buffer whose length matches shape × dtype width, and a buffer covered exactly once (no
 * overlaps, holes or trailing bytes). Every problem throws a {@link SafetensorsError}.
 */
export function parseSafetensors(bytes: Uint8Array, options: SafetensorsReadOptions = {}): RawSafetensors {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError({ package: PKG, argument: 'bytes', expected: 'a Uint8Array', found: bytes });
  }
  const maxHeader = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER;
  if (bytes.byteLength < 8) fail(`expected at least 8 bytes (the header length), got ${bytes.byteLength}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(maxHeader)) fail(`header length ${headerLength} exceeds the limit of ${maxHeader} bytes`);
  const n = Number(headerLength);
  if (8 + n > bytes.byteLength) fail(`header length ${n} runs past the end of the ${bytes.byteLength}-byte input`);
  if (n < 2) fail(`header length ${n} is too small for a JSON object`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(`header must start with '{', got ${JSON.stringify(text.slice(0, 10))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    return fail(`header is not valid JSON (${(error as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header must be a JSON object');

  const buffer = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('__metadata__ must be an object');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} must be a string, got ${typeof v}`);
        metadata[k] = v;
      }
      continue;
    }
    entries.push(parseEntry(name, value, buffer.byteLength));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of entries) {
    if (e.begin < cursor) fail(`tensor '${e.name}' overlaps the previous tensor (offset ${e.begin} < ${cursor})`);
    if (e.begin > cursor) fail(`bytes ${cursor}..${e.begin} of the data buffer belong to no tensor`);
    cursor = e.end;
  }
  if (cursor !== buffer.byteLength) {
    fail(`the data buffer has ${buffer.byteLength} bytes but the tensors cover ${cursor}`);
  }
  const tensors = new Map<string, RawTensor>();
  for (const e of entries) {
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: buffer.subarray(e.begin, e.end) });
  }
  return { tensors, metadata };
}

function parseEntry(name: string, value: unknown, bufferLength: number) {
  if (name === '') fail('a tensor name is empty');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`tensor '${name}' must be an object`);
  const { dtype, shape, data_offsets: offsets, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) fail(`tensor '${name}' has unknown field(s) ${extra.join(', ')}`);
  if (typeof dtype !== 'string' || !Object.hasOwn(SAFETENSORS_DTYPES, dtype)) {
    fail(`tensor '${name}' has dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(SAFETENSORS_DTYPES).join(', ')}`);
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    fail(`tensor '${name}' shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    offsets.some((o) => !Number.isSafeInteger(o) || o < 0)
  ) {
    fail(`tensor '${name}' data_offsets must be [begin, end] non-negative integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > bufferLength) {
    fail(`tensor '${name}' data_offsets [${begin}, ${end}] lie outside the ${bufferLength}-byte data buffer`);
  }
  const width = SAFETENSORS_DTYPES[dtype as SafetensorsDtype];
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count * width) || count * width !== end - begin) {
    fail(`tensor '${name}' of shape [${shape.join(', ')}] and dtype ${dtype} needs ${count * width} bytes, its offsets span ${end - begin}`);
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end };
}

/**
 * Serialises raw tensors to safetensors bytes. The layout is deterministic: tensors ordered by dtype width
 * (widest first, so every tensor stays aligned) then by name, the header padded with spaces to a multiple of 8.
 */
export function serializeSafetensors(
  tensors: ReadonlyMap<string, RawTensor>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const names = [...tensors.keys()].sort((a, b) => {
    const wa = SAFETENSORS_DTYPES[tensors.get(a)!.dtype];
    const wb = SAFETENSORS_DTYPES[tensors.get(b)!.dtype];
    return wb - wa || (a < b ? -1 : a > b ? 1 : 0);
  });
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new SafetensorsError(`metadata.${k} must be a string, got ${typeof v}`);
      }
    }
    header['__metadata__'] = metadata;
  }
  let offset = 0;
  for (const name of names) {
    if (name === '' || name === '__metadata__') {
      throw new SafetensorsError(`tensor name ${JSON.stringify(name)} is reserved or empty`);
    }
    const t = tensors.get(name)!;
    const expected = t.shape.reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPES[t.dtype];
    if (t.data.byteLength !== expected) {
      throw new SafetensorsError(
        `tensor '${name}' of shape [${t.shape.join(', ')}] and dtype ${t.dtype} needs ${expected} bytes, got ${t.data.byteLength}`,
      );
    }
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + expected] };
    offset += expected;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + padded);
  let cursor = 8 + padded;
  for (const name of names) {
    const data = tensors.get(name)!.data;
    out.set(data, cursor);
    cursor += data.byteLength;
  }
  return out;
}
