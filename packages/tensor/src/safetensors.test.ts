import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsError } from './errors.js';
import { initBackend } from './initBackend.js';
import { parseSafetensors, serializeSafetensors } from './safetensorsFormat.js';
import { loadSafetensors, saveSafetensors, saveSafetensorsAsync } from './stateDict.js';
import { expectClose } from './testing/index.js';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url)));

/** Builds safetensors bytes from a header object and a data buffer, exactly as the format spec lays them out. */
function build(header: unknown, data: Uint8Array = new Uint8Array(0), headerText = JSON.stringify(header)): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

beforeAll(async () => {
  await initBackend({ env: {}, only: 'cpu' });
});

describe('safetensors state dicts', () => {
  it('round-trips float32, int32 and bool tensors exactly, including scalars and empty tensors', async () => {
    const dict = {
      'encoder.l0.wIh': tf.tensor2d([[1.5, -2.25e-30, 3e38], [Number.MIN_VALUE, -0, 7]], undefined, 'float32'),
      step: tf.scalar(99, 'int32'),
      mask: tf.tensor1d([true, false, true], 'bool'),
      empty: tf.zeros([0, 3]),
    };
    const bytes = saveSafetensors(dict, { format: 'pt' });
    expect(await saveSafetensorsAsync(dict, { format: 'pt' })).toEqual(bytes);
    const { tensors, metadata } = loadSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(dict).sort());
    for (const [name, t] of Object.entries(dict)) {
      expect(tensors[name]!.dtype).toBe(t.dtype);
      expect(tensors[name]!.shape).toEqual(t.shape);
      expect(Array.from(tensors[name]!.dataSync())).toEqual(Array.from(t.dataSync()));
    }
  });

  it('reads the golden file written from the format spec, and writes the same bytes for the same tensors', () => {
    const golden = fixture('basic.safetensors');
    const { tensors, metadata } = loadSafetensors(golden);
    expect(metadata).toEqual({ format: 'pt', note: 'héllo ✓' });
    expectClose(tensors['encoder.l0.weight_ih']!, Float32Array.from([0.5, -1.25, 3.0e-8, 1.0e30, -0.0, 7.0]), { atol: 0, rtol: 0 });
    expect(tensors['step']!.shape).toEqual([]);
    expect(tensors['step']!.dataSync()[0]).toBe(1234);
    expect(Array.from(tensors['ids']!.dataSync())).toEqual([-2147483648, -1, 0, 2147483647]);
    expect(tensors['mask']!.dtype).toBe('bool');
    expect(Array.from(tensors['mask']!.dataSync())).toEqual([1, 0, 0, 1]);
    expect(tensors['empty']!.shape).toEqual([0, 4]);
    expect(saveSafetensors(tensors, metadata)).toEqual(golden);
  });

  it('widens F16/BF16/U8 exactly and converts F64/I64 only when lossy is allowed', () => {
    const bytes = fixture('mixed.safetensors');
    const expected = JSON.parse(readFileSync(new URL('../test/fixtures/mixed.expected.json', import.meta.url), 'utf8'));
    expect(() => loadSafetensors(bytes)).toThrow("@nlpkit/tensor: tensor 'd' has dtype F64: float32 cannot hold it exactly");
    const { tensors } = loadSafetensors(bytes, { lossy: true });
    for (const key of ['h', 'b', 'd', 'q', 'u']) {
      expect(Array.from(tensors[key]!.dataSync())).toEqual(expected[key]);
    }
    expect(tensors['q']!.dtype).toBe('int32');
    expect(tensors['b']!.shape).toEqual([2, 3]);
  });

  it('rejects malformed files with SafetensorsError naming the problem', () => {
    const f32 = (n: number) => new Uint8Array(4 * n);
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(5), 'expected at least 8 bytes'],
      [(() => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 2n ** 62n, true); return b; })(), 'exceeds the limit'],
      [(() => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 100n, true); return b; })(), 'runs past the end'],
      [build(null, new Uint8Array(0), '[1, 2]'), "header must start with '{'"],
      [build(null, new Uint8Array(0), '{"a": '), 'header is not valid JSON'],
      [build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(2)), 'overlaps'],
      [build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1)), 'lie outside'],
      [build({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(2)), 'needs 12 bytes'],
      [build({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, f32(2)), 'has dtype "C64"'],
      [build({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)), 'non-negative integers'],
      [build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(2)), 'belong to no tensor'],
      [build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(2)), 'the tensors cover 4'],
      [build({ __metadata__: { v: 1 } }), '__metadata__.v must be a string'],
      [build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4], extra: 1 } }, f32(1)), 'unknown field(s) extra'],
      [build({ a: { dtype: 'BOOL', shape: [1], data_offsets: [0, 1] } }, new Uint8Array([7])), 'is not 0 or 1'],
    ];
    for (const [bytes, message] of cases) {
      expect(() => loadSafetensors(bytes), message).toThrow(SafetensorsError);
      expect(() => loadSafetensors(bytes)).toThrow(message);
    }
  });

  it('fuzz: arbitrary or mutated bytes either parse or raise SafetensorsError, never anything else', () => {
    const valid = serializeSafetensors(
      new Map([
        ['w', { dtype: 'F32', shape: [2, 2], data: new Uint8Array(16) }],
        ['b', { dtype: 'BOOL', shape: [3], data: new Uint8Array([0, 1, 0]) }],
      ] as const),
      { k: 'v' },
    );
    const check = (bytes: Uint8Array) => {
      try {
        parseSafetensors(bytes);
      } catch (error) {
        if (!(error instanceof SafetensorsError)) throw error;
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), check), { numRuns: 2000 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.nat(valid.length),
        (edits, cut) => {
          const bytes = valid.slice(0, cut === 0 ? valid.length : cut);
          for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
          check(bytes);
        },
      ),
      { numRuns: 3000 },
    );
    const anyJson = fc.jsonValue().map((v) => build(null, new Uint8Array(0), JSON.stringify(v)));
    fc.assert(fc.property(anyJson, check), { numRuns: 1000 });
  });

  it('refuses to write unsupported dtypes or bad names', () => {
    expect(() => saveSafetensors({ s: tf.tensor(['a']) })).toThrow("tensor 's' has dtype string");
    expect(() => saveSafetensors({ __metadata__: tf.scalar(1) })).toThrow('is reserved or empty');
    expect(() => saveSafetensors({ x: 3 as never })).toThrow("@nlpkit/tensor: stateDict['x'] must be a tfjs Tensor");
  });
});
