import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsError } from './errors.js';
import { InvalidArgumentError } from '@nlpkit/core';
import { initBackend } from './initBackend.js';
import { parseSafetensors, SAFETENSORS_MAX_HEADER_BYTES, serializeSafetensors } from './safetensorsFormat.js';
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

  it('reads a Node Buffer (whose slice() is a view, not a copy), at any offset of its memory, as a Uint8Array', async () => {
    const a = tf.tensor2d([[1, -2.5], [3, 4]]);
    const b = tf.tensor1d([7, 8, 9]);
    const half = tf.tensor1d([0.5, -1.25]);
    const bytes = saveSafetensors({ a, b });
    const halfBytes = build({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(new Uint16Array([0x3800, 0xbd00]).buffer));
    for (const input of [Buffer.from(bytes), Buffer.concat([Buffer.alloc(3), Buffer.from(bytes)]).subarray(3)]) {
      const { tensors } = loadSafetensors(input);
      expect(Array.from(tensors['a']!.dataSync())).toEqual([1, -2.5, 3, 4]);
      expect(Array.from(tensors['b']!.dataSync())).toEqual([7, 8, 9]);
      tf.dispose(Object.values(tensors));
    }
    const { tensors } = loadSafetensors(Buffer.from(halfBytes));
    expect(Array.from(tensors['h']!.dataSync())).toEqual(Array.from(half.dataSync()));
    tf.dispose([a, b, half, ...Object.values(tensors)]);
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
    expect(() => loadSafetensors(bytes)).toThrow('@nlpkit/tensor: tensor "d" has dtype F64: float32 cannot hold it exactly');
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
      [build({ __metadata__: { v: 1 } }), '__metadata__["v"] must be a string, got 1'],
      [build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4], extra: 1 } }, f32(1)), 'unknown field(s) "extra"'],
      [build({ a: { dtype: 'BOOL', shape: [1], data_offsets: [0, 1] } }, new Uint8Array([7])), 'is not 0 or 1'],
    ];
    for (const [bytes, message] of cases) {
      expect(() => loadSafetensors(bytes), message).toThrow(SafetensorsError);
      expect(() => loadSafetensors(bytes)).toThrow(message);
    }
  });

  it('refuses to write unsupported dtypes or bad names', () => {
    expect(() => saveSafetensors({ s: tf.tensor(['a']) })).toThrow('tensor "s" has dtype string');
    expect(() => saveSafetensors({ __metadata__: tf.scalar(1) })).toThrow('is reserved or empty');
    expect(() => saveSafetensors({ x: 3 as never })).toThrow('@nlpkit/tensor: stateDict["x"] must be a tfjs Tensor');
  });
});

describe('untrusted safetensors files (issue 13)', () => {
  const f32 = (n: number) => new Uint8Array(4 * n);
  const thrown = (f: () => unknown): unknown => {
    try {
      f();
    } catch (error) {
      return error;
    }
    throw new Error('expected a throw');
  };

  it('issue 13 item 6: a header nested 10,000 deep is a SafetensorsError (ERR_SAFETENSORS_TOO_DEEP), not a RangeError', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    for (const header of [
      `{"a":{"dtype":"F32","shape":${deep},"data_offsets":[0,4]}}`,
      `{"a":{"dtype":${deep},"shape":[1],"data_offsets":[0,4]}}`,
      `{"__metadata__":{"k":${deep}}}`,
      `{"a":${'{"b":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
    ]) {
      const error = thrown(() => loadSafetensors(build(null, f32(1), header)));
      expect(error).toBeInstanceOf(SafetensorsError);
      expect(error).toMatchObject({ code: 'ERR_SAFETENSORS_TOO_DEEP', limit: 'maxDepth', max: 3 });
      expect((error as Error).message).toBe(
        '@nlpkit/tensor: invalid safetensors: header nests deeper than 3 levels (object, tensor, shape), the most the format allows',
      );
    }
  });

  it('issue 13 item 6: a 10 MB nested header is refused by a linear scan, before JSON.parse (was 9.2 s)', () => {
    const half = 5_000_000;
    const header = `{"a":{"dtype":"F32","shape":${'['.repeat(half)}${']'.repeat(half)},"data_offsets":[0,4]}}`;
    const bytes = build(null, f32(1), header);
    const start = performance.now();
    expect(() => parseSafetensors(bytes)).toThrow(expect.objectContaining({ code: 'ERR_SAFETENSORS_TOO_DEEP' }));
    expect(performance.now() - start).toBeLessThan(500);
    // The worst case of the scan itself: 10 MB of brackets inside a string, never deeper than 2.
    const inString = build(null, new Uint8Array(0), `{"__metadata__":{"k":"${'[{'.repeat(half)}"}}`);
    const t0 = performance.now();
    expect(parseSafetensors(inString).metadata['k']).toHaveLength(2 * half);
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it('brackets and quotes inside names and strings do not count as nesting', () => {
    const name = '[[[[{{{{"\\]]]]';
    const bytes = serializeSafetensors(new Map([[name, { dtype: 'F32', shape: [1], data: f32(1) }]]), { note: '{{{{[[[[\\"' });
    const parsed = parseSafetensors(bytes);
    expect([...parsed.tensors.keys()]).toEqual([name]);
    expect(parsed.metadata['note']).toBe('{{{{[[[[\\"');
  });

  it('limits the header size before reading it: 16 MiB by default, options.maxHeaderBytes up to the format cap of 100 MB', () => {
    const header = (n: bigint) => {
      const b = new Uint8Array(16);
      new DataView(b.buffer).setBigUint64(0, n, true);
      return b;
    };
    expect(thrown(() => parseSafetensors(header(16n * 1024n * 1024n + 1n)))).toMatchObject({
      code: 'ERR_SAFETENSORS_HEADER_TOO_LARGE',
      limit: 'maxHeaderBytes',
      max: 16 * 1024 * 1024,
      message: '@nlpkit/tensor: invalid safetensors: header length 16777217 exceeds the limit of 16777216 bytes (options.maxHeaderBytes)',
    });
    expect(thrown(() => parseSafetensors(header(2n ** 64n - 1n)))).toMatchObject({ code: 'ERR_SAFETENSORS_HEADER_TOO_LARGE' });
    const small = serializeSafetensors(new Map([['w', { dtype: 'F32', shape: [2], data: f32(2) }]]));
    expect(thrown(() => loadSafetensors(small, { maxHeaderBytes: 8 }))).toMatchObject({ code: 'ERR_SAFETENSORS_HEADER_TOO_LARGE', max: 8 });
    expect(parseSafetensors(small, { maxHeaderBytes: SAFETENSORS_MAX_HEADER_BYTES }).tensors.size).toBe(1);
    for (const bad of [0, 1.5, Number.NaN, SAFETENSORS_MAX_HEADER_BYTES + 1, '16' as never]) {
      expect(() => parseSafetensors(small, { maxHeaderBytes: bad })).toThrow(InvalidArgumentError);
    }
    expect(() => parseSafetensors(small, { maxHeaderByte: 9 } as never)).toThrow(InvalidArgumentError);
    expect(() => loadSafetensors(small, { lossy: 'yes' as never })).toThrow(InvalidArgumentError);
  });

  it('issue 13 item 7: tensors named __proto__, constructor and prototype load as ordinary keys, and nothing leaks', () => {
    const names = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty'];
    const raw = new Map(names.map((n, i) => [n, { dtype: 'F32' as const, shape: [1], data: new Uint8Array(new Float32Array([i]).buffer) }]));
    const bytes = serializeSafetensors(raw, JSON.parse('{"__proto__":"meta","constructor":"c"}') as Record<string, string>);
    // The header really holds the names (the serializer's own object must not swallow `__proto__` either).
    expect(Object.keys(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))))))).toEqual(
      expect.arrayContaining([...names, '__metadata__']),
    );
    const before = tf.memory().numTensors;
    const { tensors, metadata } = loadSafetensors(bytes);
    expect(tf.memory().numTensors).toBe(before + 4);
    expect(Object.getPrototypeOf(tensors)).toBeNull();
    expect(Object.getPrototypeOf(metadata)).toBeNull();
    expect(Object.keys(tensors).sort()).toEqual([...names].sort());
    names.forEach((n, i) => expect(Array.from(tensors[n]!.dataSync())).toEqual([i]));
    expect(Object.entries(metadata).sort()).toEqual([['__proto__', 'meta'], ['constructor', 'c']]);
    expect(tensors['toString']).toBeUndefined();
    // Saving what was loaded writes the same names back.
    expect(loadSafetensors(saveSafetensors(tensors, metadata)).tensors).toSatisfy((t: object) => {
      const keys = Object.keys(t).sort();
      for (const v of Object.values(t)) (v as tf.Tensor).dispose();
      return keys.join() === [...names].sort().join();
    });
    for (const t of Object.values(tensors)) t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('issue 13 item 4: every number in the header is checked — shapes, offsets, sizes, dtypes', () => {
    const cases: [Uint8Array, string][] = [
      [build({ a: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, f32(1)), 'non-negative integers, got an array of length 1'],
      [build({ a: { dtype: 'F32', shape: ['1'], data_offsets: [0, 4] } }, f32(1)), 'non-negative integers'],
      [build({ a: { dtype: 'F32', shape: [null], data_offsets: [0, 4] } }, f32(1)), 'non-negative integers'],
      [build({ a: { dtype: 'F32', shape: 1, data_offsets: [0, 4] } }, f32(1)), 'non-negative integers, got 1'],
      [build({ a: { dtype: 'F32', shape: [2 ** 53], data_offsets: [0, 4] } }, f32(1)), 'non-negative integers'],
      [build({ a: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 4] } }, f32(1)), 'non-negative integers'],
      [build({ a: { dtype: 'F32', shape: [0, 2 ** 40, 2 ** 40], data_offsets: [0, 0] } }), 'non-negative integers'],
      [build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4.5] } }, f32(1)), 'two non-negative integers, got an array of length 2'],
      [build({ a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, f32(1)), 'two non-negative integers'],
      [build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4, 8] } }, f32(2)), 'two non-negative integers, got an array of length 3'],
      [build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, f32(1)), 'lie outside'],
      [build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 1e300] } }, f32(1)), 'two non-negative integers'],
      [build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, f32(1)), 'needs 8 bytes, its offsets span 4'],
      [build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(1)), 'overlaps'],
      [build({ a: { dtype: 7, shape: [1], data_offsets: [0, 4] } }, f32(1)), 'has dtype 7'],
      [build({ a: { dtype: 'toString', shape: [1], data_offsets: [0, 4] } }, f32(1)), 'has dtype "toString"'],
      [build({ a: [1, 2] }, f32(1)), 'must be an object, got an array of length 2'],
      [build({ __metadata__: 'x' }), '__metadata__ must be an object, got "x"'],
      [build(null, f32(1), '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} x'), 'not valid JSON'],
    ];
    for (const [bytes, message] of cases) {
      const error = thrown(() => parseSafetensors(bytes));
      expect(error, message).toBeInstanceOf(SafetensorsError);
      expect((error as Error).message, message).toContain(message);
    }
  });

  it('error messages stay short whatever the file holds (no value is printed whole)', () => {
    const long = 'n'.repeat(1 << 20);
    const cases = [
      build({ [long]: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, f32(1)),
      build({ a: { dtype: long, shape: [1], data_offsets: [0, 4] } }, f32(1)),
      build({ a: { dtype: 'F32', shape: new Array(100_000).fill(-1), data_offsets: [0, 4] } }, f32(1)),
      build({ a: { dtype: 'F32', shape: new Array(100_000).fill(1).concat([2]), data_offsets: [0, 4] } }, f32(1)),
      build({ a: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`${long.slice(0, 1000)}${i}`, 1])) }, f32(1)),
    ];
    for (const bytes of cases) {
      const error = thrown(() => parseSafetensors(bytes));
      expect(error).toBeInstanceOf(SafetensorsError);
      expect((error as Error).message.length).toBeLessThan(400);
    }
  });

  it('refuses raw tensors that do not match their dtype and shape when serializing', () => {
    const one = (t: object) => new Map([['a', t as never]]);
    expect(() => serializeSafetensors(one({ dtype: 'X', shape: [1], data: f32(1) }))).toThrow('has dtype "X"');
    expect(() => serializeSafetensors(one({ dtype: 'F32', shape: [-1], data: f32(1) }))).toThrow('non-negative integers');
    expect(() => serializeSafetensors(one({ dtype: 'F32', shape: [2], data: f32(1) }))).toThrow('needs 8 bytes, got 4');
    expect(() => serializeSafetensors(one({ dtype: 'F32', shape: [1], data: [0, 0, 0, 0] }))).toThrow(InvalidArgumentError);
    expect(() => serializeSafetensors({} as never)).toThrow(InvalidArgumentError);
    expect(() => serializeSafetensors(new Map(), { k: 1 } as never)).toThrow('metadata["k"] must be a string, got 1');
  });
});
