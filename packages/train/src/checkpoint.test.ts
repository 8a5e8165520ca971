import * as tf from '@tensorflow/tfjs-core';
import { initBackend, saveSafetensors } from '@nlpkit/tensor';
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
