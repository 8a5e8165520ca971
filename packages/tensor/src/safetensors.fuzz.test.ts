import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { NlpkitError } from '@nlpkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsError } from './errors.js';
import { initBackend } from './initBackend.js';
import { parseSafetensors, type RawTensor, SAFETENSORS_DTYPES, type SafetensorsDtype, serializeSafetensors } from './safetensorsFormat.js';
import { loadSafetensors } from './stateDict.js';

// Issue 13: safetensors files are untrusted input. Every property runs 10,000 seeded cases (reproducible in CI);
// inputs stay small so the whole file takes a few seconds.
const RUNS = { numRuns: 10_000, seed: 13 } as const;

const DTYPES = Object.keys(SAFETENSORS_DTYPES) as SafetensorsDtype[];

/** Tensor names: any string but the two the format reserves, with the ones that break plain objects favoured. */
const name = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '[[{{', '"\\'),
).filter((n) => n !== '__metadata__');

const rawTensor: fc.Arbitrary<RawTensor> = fc
  .tuple(fc.constantFrom(...DTYPES), fc.array(fc.nat(3), { maxLength: 3 }))
  .chain(([dtype, shape]) => {
    const bytes = shape.reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPES[dtype];
    return fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((data) => ({ dtype, shape, data }));
  });

const rawDict = fc.tuple(
  fc.uniqueArray(fc.tuple(name, rawTensor), { maxLength: 5, selector: ([n]) => n }),
  fc.uniqueArray(fc.tuple(name, fc.string({ maxLength: 8, unit: 'binary' })), { maxLength: 3, selector: ([k]) => k }),
);

/** What a parse returned, in a form `toEqual` compares exactly (Maps and null-prototype records flattened). */
function plain(tensors: ReadonlyMap<string, RawTensor>, metadata: Readonly<Record<string, string>>) {
  return {
    tensors: [...tensors].map(([n, t]) => [n, t.dtype, [...t.shape], Array.from(t.data)]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    metadata: Object.entries(metadata).sort((a, b) => (a[0] < b[0] ? -1 : 1)),
  };
}

/** Parses `bytes`; a SafetensorsError is an acceptable answer, any other throw fails the property. */
function parseOrTypedError(bytes: Uint8Array): void {
  try {
    parseSafetensors(bytes);
  } catch (error) {
    if (!(error instanceof SafetensorsError)) throw error;
  }
}

/** Builds safetensors bytes from header text and a data buffer, as the format lays them out. */
function withHeader(text: string, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

describe('safetensors fuzz (issue 13 item 5)', () => {
  beforeAll(async () => {
    await initBackend({ env: {}, only: 'cpu' });
  });

  it('round trip: parseSafetensors(serializeSafetensors(dict)) = dict for every dtype, any names', () => {
    fc.assert(
      fc.property(rawDict, ([tensors, meta]) => {
        const map = new Map(tensors);
        const metadata = Object.fromEntries(meta);
        const parsed = parseSafetensors(serializeSafetensors(map, metadata));
        expect(plain(parsed.tensors, parsed.metadata)).toEqual(plain(map, metadata));
      }),
      RUNS,
    );
  });

  it('mutated and truncated valid files give a SafetensorsError or a valid parse, never another error', () => {
    const mutated = fc
      .tuple(rawDict, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }), fc.option(fc.nat()))
      .map(([[tensors, meta], edits, cut]) => {
        const valid = serializeSafetensors(new Map(tensors), Object.fromEntries(meta));
        const bytes = cut === null ? valid.slice() : valid.slice(0, cut % (valid.length + 1));
        for (const [at, value] of edits) if (bytes.length > 0) bytes[at % bytes.length] = value;
        return bytes;
      });
    fc.assert(fc.property(mutated, parseOrTypedError), RUNS);
  });

  it('arbitrary bytes give a SafetensorsError, never another error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), parseOrTypedError), RUNS);
  });

  it('hostile headers (any JSON, tensor entries with wrong types and numbers) give a SafetensorsError or a valid parse', () => {
    const number = fc.oneof(fc.integer({ min: -2, max: 40 }), fc.double(), fc.constantFrom(2 ** 53, 2 ** 64, -0, 1e308));
    const value = fc.oneof(number, fc.string({ maxLength: 4 }), fc.constant(null), fc.array(number, { maxLength: 4 }), fc.jsonValue({ maxDepth: 3 }));
    const entry = fc.record(
      { dtype: fc.oneof(fc.constantFrom(...DTYPES, 'C64', 'toString', '__proto__'), value), shape: value, data_offsets: value },
      { requiredKeys: [] },
    );
    const header = fc.oneof(
      fc.dictionary(name, entry, { maxKeys: 3 }).map((h) => JSON.stringify(h)),
      fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 40 }).map((s) => `{${s}`),
    );
    fc.assert(fc.property(header, fc.uint8Array({ maxLength: 64 }), (text, data) => parseOrTypedError(withHeader(text, data))), RUNS);
  });

  it('loadSafetensors on mutated files: a typed NlpkitError or tensors, and no tensor leaks either way', () => {
    const valid = serializeSafetensors(
      new Map<string, RawTensor>([
        ['w', { dtype: 'F32', shape: [2, 2], data: new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer) }],
        ['__proto__', { dtype: 'BOOL', shape: [3], data: new Uint8Array([0, 1, 0]) }],
        ['h', { dtype: 'F16', shape: [2], data: new Uint8Array(4) }],
        ['q', { dtype: 'I64', shape: [1], data: new Uint8Array(8) }],
      ]),
      { format: 'pt' },
    );
    const dataStart = 8 + Number(new DataView(valid.buffer).getBigUint64(0, true));
    // Edits anywhere, or only in the tensor data (those files stay valid unless a BOOL byte goes past 1).
    const at = fc.oneof(fc.nat(valid.length - 1), fc.integer({ min: dataStart, max: valid.length - 1 }));
    const before = tf.memory().numTensors;
    let loaded = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(at, fc.nat(255)), { minLength: 1, maxLength: 4 }), fc.boolean(), (edits, lossy) => {
        const bytes = valid.slice();
        for (const [at, value] of edits) bytes[at] = value;
        try {
          const { tensors } = loadSafetensors(bytes, { lossy });
          loaded += 1;
          for (const t of Object.values(tensors)) t.dispose();
        } catch (error) {
          if (!(error instanceof NlpkitError)) throw error;
        }
      }),
      RUNS,
    );
    expect(tf.memory().numTensors).toBe(before);
    // Both outcomes are exercised.
    expect(loaded).toBeGreaterThan(500);
    expect(loaded).toBeLessThan(RUNS.numRuns);
  });
});
