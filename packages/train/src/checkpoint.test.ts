import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@nlpkit/core';
import { initBackend, SafetensorsError, saveSafetensors } from '@nlpkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { CheckpointError } from './errors.js';

describe('checkpoints', () => {
  beforeAll(async () => {
    await initBackend({ only: 'cpu', env: {} });
  });

  it('round-trip params, optimizer state and JSON metadata', () => {
    const w = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const step = tf.scalar(7, 'int32');
    const bytes = encodeCheckpoint({ params: { w }, optimizer: { step }, optimizerKind: 'adam', rng: { s: [1, 2] }, loop: { step: 3 }, meta: { v: '1' } });
    const ck = decodeCheckpoint(bytes);
    expect(Array.from(ck.params['w']?.dataSync() ?? [])).toEqual([1, 2, 3, 4]);
    expect(ck.optimizer['step']?.dtype).toBe('int32');
    expect(ck).toMatchObject({ optimizerKind: 'adam', rng: { s: [1, 2] }, loop: { step: 3 }, meta: { v: '1' } });
    tf.dispose([w, step, ...Object.values(ck.params), ...Object.values(ck.optimizer)]);
  });

  it('round-trip buffers (state carried between BPTT segments); a checkpoint without them decodes with none', () => {
    const w = tf.tensor1d([1, 2]);
    const h = tf.tensor2d([0.5, -0.25], [1, 2]);
    const ck = decodeCheckpoint(encodeCheckpoint({ params: { w }, optimizer: {}, buffers: { 'carry.0.h': h }, optimizerKind: 'sgd', rng: null, loop: null }));
    expect(Array.from(ck.buffers?.['carry.0.h']?.dataSync() ?? [])).toEqual([0.5, -0.25]);
    expect(Object.keys(ck.params)).toEqual(['w']);
    const plain = decodeCheckpoint(encodeCheckpoint({ params: { w }, optimizer: {}, optimizerKind: 'sgd', rng: null, loop: null }));
    expect(plain.buffers).toBeUndefined();
    expect(() => encodeCheckpoint({ params: { w }, optimizer: {}, buffers: 3 as never, optimizerKind: 'sgd', rng: null, loop: null })).toThrow(InvalidArgumentError);
    tf.dispose([w, h, ...Object.values(ck.params), ...Object.values(ck.buffers ?? {}), ...Object.values(plain.params)]);
  });

  it('still read checkpoints written by @nlpkit/rnn before training moved here, and refuse other formats', () => {
    const w = tf.tensor1d([5, 6]);
    const old = saveSafetensors({ 'params.w': w }, { format: 'nlpkit-rnn-checkpoint/1', optimizerKind: 'sgd', rng: 'null', loop: '{"step":2}', meta: '{}' });
    const ck = decodeCheckpoint(old);
    expect(Array.from(ck.params['w']?.dataSync() ?? [])).toEqual([5, 6]);
    expect(ck.loop).toEqual({ step: 2 });
    const other = saveSafetensors({ 'params.w': w }, { format: 'something-else' });
    expect(() => decodeCheckpoint(other)).toThrowErrorMatchingInlineSnapshot(
      `[CheckpointError: @nlpkit/train: checkpoint format must be "nlpkit-checkpoint/1", got "something-else"]`,
    );
    expect(() => decodeCheckpoint(other)).toThrow(CheckpointError);
    tf.dispose([w, ...Object.values(ck.params)]);
  });
});

describe('untrusted checkpoints (issue 13)', () => {
  beforeAll(async () => {
    await initBackend({ only: 'cpu', env: {} });
  });

  /** A checkpoint whose metadata strings are replaced by `metadata` (tensors: one param, one optimizer slot). */
  const withMetadata = (metadata: Record<string, string>): Uint8Array => {
    const w = tf.tensor1d([1, 2]);
    const step = tf.scalar(1, 'int32');
    const bytes = saveSafetensors({ 'params.w': w, 'optimizer.step': step }, metadata);
    tf.dispose([w, step]);
    return bytes;
  };
  const base = { format: 'nlpkit-checkpoint/1', optimizerKind: 'sgd', rng: 'null', loop: '{"step":1}', meta: '{}' };
  const thrown = (f: () => unknown): unknown => {
    try {
      f();
    } catch (error) {
      return error;
    }
    throw new Error('expected a throw');
  };

  it('issue 13 item 7: params named __proto__, constructor and prototype come back as keys, and meta keeps __proto__', () => {
    const tensors = ['__proto__', 'constructor', 'prototype'].map((n, i) => [n, tf.scalar(i)] as const);
    const params = Object.fromEntries(tensors);
    const before = tf.memory().numTensors;
    const bytes = encodeCheckpoint({ params, optimizer: {}, optimizerKind: 'sgd', rng: null, loop: null, meta: JSON.parse('{"__proto__":"x"}') as Record<string, string> });
    const ck = decodeCheckpoint(bytes);
    expect(tf.memory().numTensors).toBe(before + 3);
    expect(Object.getPrototypeOf(ck.params)).toBeNull();
    expect(Object.keys(ck.params).sort()).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(ck.params['__proto__']!.dataSync()[0]).toBe(0);
    expect(ck.params['constructor']!.dataSync()[0]).toBe(1);
    expect(Object.entries(ck.meta ?? {})).toEqual([['__proto__', 'x']]);
    expect(ck.optimizer['toString']).toBeUndefined();
    tf.dispose([...Object.values(ck.params), ...tensors.map(([, t]) => t)]);
  });

  it('hostile metadata gives a CheckpointError (or SafetensorsError) and leaks no tensor', () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const cases: [Record<string, string>, string][] = [
      [{ ...base, format: 'nlpkit-checkpoint/2' }, 'checkpoint format must be "nlpkit-checkpoint/1", got "nlpkit-checkpoint/2"'],
      [{ ...base, format: '__proto__' }, 'checkpoint format must be'],
      [{ optimizerKind: 'sgd' }, 'checkpoint format must be "nlpkit-checkpoint/1", got null'],
      [{ ...base, rng: '{' }, 'checkpoint metadata "rng" must be JSON, got "{"'],
      [{ ...base, loop: deep }, 'checkpoint metadata "loop" must be JSON nested at most 64 deep, got deeper nesting'],
      [{ ...base, rng: `{"s":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}` }, 'must be JSON nested at most 64 deep'],
      [{ ...base, meta: '[]' }, 'checkpoint metadata "meta" must be a JSON object of strings, got "[]"'],
      [{ ...base, meta: '{"a":1}' }, 'checkpoint metadata "meta" must be a JSON object of strings'],
      [{ ...base, meta: 'null' }, 'checkpoint metadata "meta" must be a JSON object of strings'],
    ];
    const before = tf.memory().numTensors;
    for (const [metadata, message] of cases) {
      const bytes = withMetadata(metadata);
      const error = thrown(() => decodeCheckpoint(bytes));
      expect(error, message).toBeInstanceOf(CheckpointError);
      expect((error as Error).message, message).toContain(message);
      expect((error as Error).message.length).toBeLessThan(300);
    }
    expect(tf.memory().numTensors).toBe(before);
    // Safetensors-level problems surface as SafetensorsError (a FormatError too), also without leaks.
    const good = withMetadata(base);
    const cut = good.slice(0, good.length - 1);
    expect(() => decodeCheckpoint(cut)).toThrow(SafetensorsError);
    expect(() => decodeCheckpoint(good, { maxHeaderBytes: 16 })).toThrow(expect.objectContaining({ code: 'ERR_SAFETENSORS_HEADER_TOO_LARGE' }));
    expect(() => decodeCheckpoint(good, { lossy: true } as never)).toThrow(InvalidArgumentError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to encode what it could not decode', () => {
    const w = tf.scalar(1);
    const ck = { params: { w }, optimizer: {}, optimizerKind: 'sgd', rng: null, loop: null };
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => encodeCheckpoint({ ...ck, loop: cyclic })).toThrow('checkpoint.loop must be JSON-serialisable (no cycles, no bigint), got an object');
    expect(() => encodeCheckpoint({ ...ck, rng: 1n })).toThrow(InvalidArgumentError);
    expect(() => encodeCheckpoint({ ...ck, loop: deep })).toThrow('checkpoint.loop must be JSON-serialisable and nested at most 64 deep');
    expect(() => encodeCheckpoint({ ...ck, optimizerKind: 3 as never })).toThrow('checkpoint.optimizerKind must be a string, got 3');
    expect(() => encodeCheckpoint({ ...ck, meta: { a: 1 } as never })).toThrow('checkpoint.meta["a"] must be a string, got 1');
    expect(() => encodeCheckpoint({ ...ck, params: null as never })).toThrow('checkpoint.params must be a record of tensors, got null');
    tf.dispose(w);
  });
});
