import { describeValue, InvalidArgumentError, jsonNestingExceeds, validators } from '@nlpkit/core';
import { PKG, SafetensorsError } from './errors.js';

const check = validators(PKG);

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

/** A parsed safetensors file: raw tensors by name, plus the optional string metadata (a null-prototype record). */
export interface RawSafetensors {
  readonly tensors: ReadonlyMap<string, RawTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Limits applied when reading untrusted bytes. */
export interface SafetensorsReadOptions {
  /**
   * Largest JSON header accepted, in bytes, checked before anything is decoded. Default 16 MiB (about 100,000
   * tensors); at most {@link SAFETENSORS_MAX_HEADER_BYTES}, the format's own cap.
   */
  readonly maxHeaderBytes?: number;
}

/** The largest header the safetensors format allows (100 MB, as the reference implementation). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;
const DEFAULT_MAX_HEADER = 16 * 1024 * 1024;
/**
 * How deep a valid header nests: the header object, a tensor's (or `__metadata__`'s) object, its `shape` and
 * `data_offsets` arrays. Anything deeper is refused by a linear scan before `JSON.parse` sees it.
 */
const MAX_DEPTH = 3;

function fail(message: string): never {
  throw new SafetensorsError(`invalid safetensors: ${message}`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Parses safetensors bytes: an 8-byte little-endian header length N, N bytes of JSON header, then the data buffer.
 * Untrusted input is validated completely — header size (`maxHeaderBytes`) and nesting depth before parsing,
 * JSON shape, known dtypes, shapes of non-negative integers, offsets inside the buffer whose length matches
 * shape × dtype width, and a buffer covered exactly once (no overlaps, holes or trailing bytes), as the format
 * requires. Tensor names are any non-empty strings — `__proto__` included: tensors come back in a `Map` and
 * metadata in a null-prototype object, so no name can change either's shape.
 * @throws SafetensorsError for every problem in the bytes (codes `ERR_SAFETENSORS`,
 *   `ERR_SAFETENSORS_HEADER_TOO_LARGE`, `ERR_SAFETENSORS_TOO_DEEP`); InvalidArgumentError for bad arguments.
 */
export function parseSafetensors(bytes: Uint8Array, options: SafetensorsReadOptions = {}): RawSafetensors {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError({ package: PKG, argument: 'bytes', expected: 'a Uint8Array', found: bytes });
  }
  check.options(options, 'options', ['maxHeaderBytes']);
  const maxHeader =
    options.maxHeaderBytes === undefined
      ? DEFAULT_MAX_HEADER
      : check.integer(options.maxHeaderBytes, 'options.maxHeaderBytes', 2, SAFETENSORS_MAX_HEADER_BYTES);
  if (bytes.byteLength < 8) fail(`expected at least 8 bytes (the header length), got ${bytes.byteLength}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(maxHeader)) {
    throw new SafetensorsError(
      `invalid safetensors: header length ${headerLength} exceeds the limit of ${maxHeader} bytes (options.maxHeaderBytes)`,
      'ERR_SAFETENSORS_HEADER_TOO_LARGE',
      { name: 'maxHeaderBytes', max: maxHeader },
    );
  }
  const n = Number(headerLength);
  if (8 + n > bytes.byteLength) fail(`header length ${n} runs past the end of the ${bytes.byteLength}-byte input`);
  if (n < 2) fail(`header length ${n} is too small for a JSON object`);
  const headerBytes = bytes.subarray(8, 8 + n);
  if (headerBytes[0] !== 0x7b) fail(`header must start with '{', got byte ${headerBytes[0]}`);
  if (jsonNestingExceeds(headerBytes, MAX_DEPTH)) {
    throw new SafetensorsError(
      `invalid safetensors: header nests deeper than ${MAX_DEPTH} levels (object, tensor, shape), the most the format allows`,
      'ERR_SAFETENSORS_TOO_DEEP',
      { name: 'maxDepth', max: MAX_DEPTH },
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    return fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    return fail(`header is not valid JSON (${(error as Error).message.slice(0, 200)})`);
  }
  if (!isRecord(header)) fail('header must be a JSON object');

  const buffer = bytes.subarray(8 + n);
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isRecord(value)) fail(`__metadata__ must be an object, got ${describeValue(value)}`);
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') fail(`__metadata__[${describeValue(k)}] must be a string, got ${describeValue(v)}`);
        metadata[k] = v;
      }
      continue;
    }
    entries.push(parseEntry(name, value, buffer.byteLength));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of entries) {
    if (e.begin < cursor) fail(`tensor ${describeValue(e.name)} overlaps the previous tensor (offset ${e.begin} < ${cursor})`);
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

interface Entry {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

/** Elements in `shape`, or -1 when the shape is not an array of non-negative safe integers or overflows. */
function elementCount(shape: unknown): number {
  if (!Array.isArray(shape)) return -1;
  let count = 1;
  let nonZero = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || (d as number) < 0) return -1;
    count *= d as number;
    if (d !== 0) nonZero *= d as number;
    // Even an empty tensor must have a shape whose other dimensions could exist.
    if (!Number.isSafeInteger(nonZero)) return -1;
  }
  return count;
}

function parseEntry(name: string, value: unknown, bufferLength: number): Entry {
  // Described only on failure: this runs once per tensor, and files may hold hundreds of thousands.
  const what = (): string => `tensor ${describeValue(name)}`;
  if (name === '') fail('a tensor name is empty');
  if (!isRecord(value)) fail(`${what()} must be an object, got ${describeValue(value)}`);
  for (const k in value) {
    if (k !== 'dtype' && k !== 'shape' && k !== 'data_offsets') {
      const extra = Object.keys(value).filter((f) => f !== 'dtype' && f !== 'shape' && f !== 'data_offsets');
      fail(`${what()} has unknown field(s) ${extra.slice(0, 5).map(describeValue).join(', ')}${extra.length > 5 ? ', …' : ''}`);
    }
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string' || !Object.hasOwn(SAFETENSORS_DTYPES, dtype)) {
    fail(`${what()} has dtype ${describeValue(dtype)}; expected one of ${Object.keys(SAFETENSORS_DTYPES).join(', ')}`);
  }
  const count = elementCount(shape);
  if (count < 0) fail(`${what()} shape must be an array of non-negative integers, got ${describeValue(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !Number.isSafeInteger(offsets[0]) || !Number.isSafeInteger(offsets[1]) || offsets[0] < 0) {
    fail(`${what()} data_offsets must be [begin, end], two non-negative integers, got ${describeValue(offsets)}`);
  }
  const begin = offsets[0] as number;
  const end = offsets[1] as number;
  if (begin > end || end > bufferLength) {
    fail(`${what()} data_offsets [${begin}, ${end}] lie outside the ${bufferLength}-byte data buffer`);
  }
  const width = SAFETENSORS_DTYPES[dtype as SafetensorsDtype];
  const dims = shape as number[];
  if (!Number.isSafeInteger(count * width) || count * width !== end - begin) {
    fail(`${what()} of shape ${shapeText(dims)} and dtype ${dtype} needs ${count * width} bytes, its offsets span ${end - begin}`);
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: dims, begin, end };
}

/** `[2, 3]`, at most 8 dimensions spelled out: messages stay short whatever the input. */
function shapeText(dims: readonly number[]): string {
  return `[${dims.slice(0, 8).join(', ')}${dims.length > 8 ? `, … (${dims.length} dimensions)` : ''}]`;
}

/**
 * Serialises raw tensors to safetensors bytes. The layout is deterministic: tensors ordered by dtype width
 * (widest first, so every tensor stays aligned) then by name, the header padded with spaces to a multiple of 8.
 * Any non-empty name but `__metadata__` is allowed (`__proto__` too); {@link parseSafetensors} reads back exactly
 * these tensors and metadata.
 */
export function serializeSafetensors(
  tensors: ReadonlyMap<string, RawTensor>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  if (!((tensors as unknown) instanceof Map)) {
    throw new InvalidArgumentError({ package: PKG, argument: 'tensors', expected: 'a Map of raw tensors', found: tensors });
  }
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InvalidArgumentError({ package: PKG, argument: 'metadata', expected: 'a record of strings', found: metadata });
  }
  const names = [...tensors.keys()];
  for (const name of names) checkRaw(name, tensors.get(name));
  names.sort((a, b) => {
    const wa = SAFETENSORS_DTYPES[tensors.get(a)!.dtype];
    const wb = SAFETENSORS_DTYPES[tensors.get(b)!.dtype];
    return wb - wa || (a < b ? -1 : a > b ? 1 : 0);
  });
  // A null-prototype header: a tensor named `__proto__` becomes a key like any other.
  const header = Object.create(null) as Record<string, unknown>;
  const meta = Object.entries(metadata);
  if (meta.length > 0) {
    for (const [k, v] of meta) {
      if (typeof v !== 'string') {
        throw new InvalidArgumentError({ package: PKG, argument: `metadata[${describeValue(k)}]`, expected: 'a string', found: v });
      }
    }
    header['__metadata__'] = Object.fromEntries(meta);
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
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

function checkRaw(name: unknown, t: RawTensor | undefined): void {
  if (typeof name !== 'string' || name === '' || name === '__metadata__') {
    throw new SafetensorsError(`tensor name ${describeValue(name)} is reserved or empty`);
  }
  const what = `tensor ${describeValue(name)}`;
  if (t === null || typeof t !== 'object') {
    throw new InvalidArgumentError({ package: PKG, argument: `tensors.get(${describeValue(name)})`, expected: 'a raw tensor', found: t });
  }
  if (typeof t.dtype !== 'string' || !Object.hasOwn(SAFETENSORS_DTYPES, t.dtype)) {
    throw new SafetensorsError(`${what} has dtype ${describeValue(t.dtype)}; expected one of ${Object.keys(SAFETENSORS_DTYPES).join(', ')}`);
  }
  const count = elementCount(t.shape);
  if (count < 0) throw new SafetensorsError(`${what} shape must be an array of non-negative integers, got ${describeValue(t.shape)}`);
  if (!(t.data instanceof Uint8Array)) {
    throw new InvalidArgumentError({ package: PKG, argument: `${what} data`, expected: 'a Uint8Array', found: t.data });
  }
  const expected = count * SAFETENSORS_DTYPES[t.dtype];
  if (t.data.byteLength !== expected) {
    throw new SafetensorsError(`${what} of shape ${shapeText(t.shape)} and dtype ${t.dtype} needs ${expected} bytes, got ${t.data.byteLength}`);
  }
}
