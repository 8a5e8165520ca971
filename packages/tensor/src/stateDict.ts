import { type DataType, type Tensor, tensor } from '@tensorflow/tfjs-core';
import { describeValue, InvalidArgumentError, validators } from '@nlpkit/core';
import { PKG, SafetensorsError } from './errors.js';
import { filledFloat32Tensor } from './filledFloat32Tensor.js';
import { checkSyncRead } from './readTensorSync.js';
import {
  parseSafetensors,
  type RawTensor,
  type SafetensorsDtype,
  type SafetensorsReadOptions,
  serializeSafetensors,
} from './safetensorsFormat.js';

const check = validators(PKG);

/**
 * A model's parameters (or any named tensors) as a flat record, e.g. `{ "encoder.l0.wIh": Tensor }`. The state
 * dicts this package returns have a null prototype, so any name read from a file — `__proto__`, `constructor` —
 * is an ordinary key, and a lookup of an absent name is `undefined`.
 */
export type StateDict = Record<string, Tensor>;

/** Options for {@link loadSafetensors}. */
export interface LoadSafetensorsOptions extends SafetensorsReadOptions {
  /**
   * Accept dtypes that tfjs cannot hold exactly: F64 is rounded to float32, and I64/U32/U64 values outside the
   * int32 range are refused either way. Default false: such tensors throw a {@link SafetensorsError}.
   */
  readonly lossy?: boolean;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function toRaw(name: string, t: Tensor, values: ArrayLike<number> | Uint8Array): RawTensor {
  switch (t.dtype) {
    case 'float32':
      return { dtype: 'F32', shape: t.shape, data: bytesOf(Float32Array.from(values)) };
    case 'int32':
      return { dtype: 'I32', shape: t.shape, data: bytesOf(Int32Array.from(values)) };
    case 'bool':
      return { dtype: 'BOOL', shape: t.shape, data: Uint8Array.from(values, (v) => (v ? 1 : 0)) };
    default:
      throw new SafetensorsError(
        `tensor ${describeValue(name)} has dtype ${t.dtype}; safetensors output supports float32, int32 and bool`,
      );
  }
}

function bytesOf(array: Float32Array | Int32Array): Uint8Array {
  if (!littleEndian) throw new SafetensorsError('safetensors needs a little-endian platform');
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function checkDict(dict: StateDict): [string, Tensor][] {
  if (dict === null || typeof dict !== 'object') {
    throw new InvalidArgumentError({ package: PKG, argument: 'stateDict', expected: 'a record of tensors', found: dict });
  }
  const entries = Object.entries(dict);
  for (const [name, t] of entries) {
    if (t === null || typeof t !== 'object' || typeof (t as Tensor).dataSync !== 'function') {
      throw new InvalidArgumentError({ package: PKG, argument: `stateDict[${describeValue(name)}]`, expected: 'a tfjs Tensor', found: t });
    }
  }
  return entries;
}

/**
 * Serialises a state dict to safetensors bytes (what PyTorch and Hugging Face read), reading tensor data
 * synchronously. On GPU backends prefer {@link saveSafetensorsAsync}, which does not block on downloads; on webgpu
 * this throws an `UnsupportedError` naming it (tfjs-backend-webgpu's synchronous read returns zeros in headless
 * Chromium).
 */
export function saveSafetensors(dict: StateDict, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  checkSyncRead({ package: PKG, what: 'saveSafetensors', alternative: 'saveSafetensorsAsync' });
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of checkDict(dict)) raw.set(name, toRaw(name, t, t.dataSync() as ArrayLike<number>));
  return serializeSafetensors(raw, metadata);
}

/** Like {@link saveSafetensors}, reading tensor data asynchronously. */
export async function saveSafetensorsAsync(
  dict: StateDict,
  metadata: Readonly<Record<string, string>> = {},
): Promise<Uint8Array> {
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of checkDict(dict)) raw.set(name, toRaw(name, t, (await t.data()) as ArrayLike<number>));
  return serializeSafetensors(raw, metadata);
}

/**
 * Reads safetensors bytes into tensors. Input is validated as untrusted (see `parseSafetensors`): nothing is
 * allocated on the backend until the whole file has been checked, and if a tensor cannot be converted the ones
 * already made are disposed. F32, I32 and BOOL load as they are; F16 and BF16 widen exactly to float32;
 * I8/U8/I16/U16 widen to int32; F64, I64, U32 and U64 need `lossy: true` (and integers must fit in int32).
 *
 * `tensors` and `metadata` are null-prototype records holding exactly the file's names, `__proto__` included.
 * @throws SafetensorsError for malformed or unsupported bytes; InvalidArgumentError for bad arguments.
 */
export function loadSafetensors(
  bytes: Uint8Array,
  options: LoadSafetensorsOptions = {},
): { tensors: StateDict; metadata: Record<string, string> } {
  check.options(options, 'options', ['maxHeaderBytes', 'lossy']);
  const lossy = options.lossy === undefined ? false : check.boolean(options.lossy, 'options.lossy');
  const parsed = parseSafetensors(bytes, options.maxHeaderBytes === undefined ? {} : { maxHeaderBytes: options.maxHeaderBytes });
  const tensors = Object.create(null) as StateDict;
  try {
    for (const [name, raw] of parsed.tensors) {
      if (raw.dtype === 'F16' || raw.dtype === 'BF16') {
        // Widened as they are written into the tensor (on wasm, straight into its memory).
        const halves = halvesOf(raw);
        tensors[name] = filledFloat32Tensor(raw.shape, raw.dtype === 'F16' ? (words, floats) => halvesToFloats(halves, words, floats) : (words) => bfloatsToFloats(halves, words));
        continue;
      }
      const [values, dtype] = decode(name, raw, raw.dtype, lossy);
      tensors[name] = tensor(values, [...raw.shape], dtype);
    }
  } catch (error) {
    for (const t of Object.values(tensors)) t.dispose();
    throw error;
  }
  return { tensors, metadata: parsed.metadata as Record<string, string> };
}

function decode(name: string, raw: RawTensor, dtype: Exclude<SafetensorsDtype, 'F16' | 'BF16'>, lossy: boolean): [Float32Array | Int32Array | Uint8Array, DataType] {
  if (!littleEndian) throw new SafetensorsError('safetensors needs a little-endian platform');
  // Copy into a fresh, aligned buffer: the tensor's bytes may start at any offset of the input. `new Uint8Array`
  // copies for every input; `slice()` would not for a Node Buffer (its slice is a view of the whole file).
  const bytes = new Uint8Array(raw.data);
  const n = raw.shape.reduce((a, b) => a * b, 1);
  const refuse = (why: string): never => {
    throw new SafetensorsError(`tensor ${describeValue(name)} has dtype ${raw.dtype}: ${why}`);
  };
  const ints = (values: ArrayLike<number | bigint>): Int32Array => {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = Number(values[i]!);
      if (v < -2147483648 || v > 2147483647) refuse(`value ${v} at index ${i} does not fit in int32`);
      out[i] = v;
    }
    return out;
  };
  switch (dtype) {
    case 'F32':
      return [new Float32Array(bytes.buffer, 0, n), 'float32'];
    case 'I32':
      return [new Int32Array(bytes.buffer, 0, n), 'int32'];
    case 'BOOL':
      for (let i = 0; i < n; i++) if (bytes[i]! > 1) refuse(`byte ${bytes[i]} at index ${i} is not 0 or 1`);
      return [bytes, 'bool'];
    case 'U8':
      return [Int32Array.from(bytes), 'int32'];
    case 'I8':
      return [Int32Array.from(new Int8Array(bytes.buffer, 0, n)), 'int32'];
    case 'I16':
      return [Int32Array.from(new Int16Array(bytes.buffer, 0, n)), 'int32'];
    case 'U16':
      return [Int32Array.from(new Uint16Array(bytes.buffer, 0, n)), 'int32'];
    case 'F64':
      if (!lossy) refuse('float32 cannot hold it exactly; pass { lossy: true } to round it');
      return [Float32Array.from(new Float64Array(bytes.buffer, 0, n)), 'float32'];
    case 'I64':
    case 'U64':
      if (!lossy) refuse('int32 cannot hold every value; pass { lossy: true } to convert values that fit');
      return [ints(dtype === 'I64' ? new BigInt64Array(bytes.buffer, 0, n) : new BigUint64Array(bytes.buffer, 0, n)), 'int32'];
    case 'U32':
      if (!lossy) refuse('int32 cannot hold every value; pass { lossy: true } to convert values that fit');
      return [ints(new Uint32Array(bytes.buffer, 0, n)), 'int32'];
  }
}

/** A 16-bit tensor's elements: a view of the file's bytes when they are 2-byte aligned, else an aligned copy. */
function halvesOf(raw: RawTensor): Uint16Array {
  if (!littleEndian) throw new SafetensorsError('safetensors needs a little-endian platform');
  const n = raw.shape.reduce((a, b) => a * b, 1);
  const data = raw.data.byteOffset % 2 === 0 ? raw.data : new Uint8Array(raw.data);
  return new Uint16Array(data.buffer, data.byteOffset, n);
}

/**
 * IEEE half-precision bits to float32, exactly (every half is a float32), by moving the bits: writes element i of
 * `halves` as `words[i]` (`floats` is the same memory, for the subnormal halves, which are normal floats).
 */
function halvesToFloats(halves: Uint16Array, words: Uint32Array, floats: Float32Array): void {
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i]!;
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0x1f) words[i] = sign | 0x7f800000 | (frac << 13); // ±Infinity, NaN
    else if (exp !== 0) words[i] = sign | ((exp + 112) << 23) | (frac << 13); // normal: rebias 15 → 127
    else if (frac === 0) words[i] = sign; // ±0
    else floats[i] = (sign === 0 ? 1 : -1) * frac * 2 ** -24; // subnormal half: a normal float32
  }
}

/** bfloat16 bits to float32, exactly: the high half of the float32's bits. */
function bfloatsToFloats(halves: Uint16Array, words: Uint32Array): void {
  for (let i = 0; i < halves.length; i++) words[i] = halves[i]! << 16;
}
