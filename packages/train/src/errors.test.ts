import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { FormatError, NlpkitError } from '@nlpkit/core';
import { initBackend } from '@nlpkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from './checkpoint.js';
import { crossEntropy } from './crossEntropy.js';
import * as api from './index.js';
import { adam } from './optimizers/adam.js';
import { sgd } from './optimizers/sgd.js';
import { unflattenParams } from './paramTree.js';
import { trainLoop } from './trainLoop.js';

describe('bad input gives nlpkit errors naming the argument', () => {
  beforeAll(async () => {
    await initBackend({ only: 'cpu', env: {} });
  });

  it('every exported error class is an NlpkitError with a stable code', () => {
    const classes = Object.entries(api).filter(([name, v]) => typeof v === 'function' && name.endsWith('Error'));
    expect(classes.map(([name]) => name)).toEqual(['CheckpointError']);
    const e = new api.CheckpointError({ argument: 'checkpoint format', expected: '"x"', found: 'y' });
    expect(e).toBeInstanceOf(FormatError);
    expect(e).toBeInstanceOf(NlpkitError);
    expect(e.code).toBe('ERR_CHECKPOINT');
    expect(e.message).toBe('@nlpkit/train: checkpoint format must be "x", got "y"');
  });

  it('options', async () => {
    expect(() => sgd({ momentum: 2 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/train: options.momentum must be a number from 0 to 1, got 2]`,
    );
    expect(() => adam({ beta: 0.9 } as never)).toThrow(/options.beta must be absent/);
    await expect(trainLoop({ epochs: 1, stepsPerEpoch: 0, step: () => ({ loss: 0, gradNorm: 0, skipped: false }) })).rejects.toThrow(
      '@nlpkit/train: options.stepsPerEpoch must be an integer ≥ 1, got 0',
    );
  });

  it('tensors', () => {
    tf.tidy(() => {
      expect(() => crossEntropy(tf.zeros([2, 3]) as Tensor2D, tf.tensor1d([0, 1]) as Tensor1D)).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: @nlpkit/train: targets must be a int32 tensor, got float32]`,
      );
      expect(() => crossEntropy(tf.zeros([2, 3]) as Tensor2D, tf.tensor1d([0, 1, 2], 'int32') as Tensor1D)).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: @nlpkit/train: targets must be of shape [N=2], got [3]]`,
      );
      expect(() => unflattenParams({ w: tf.zeros([2]) }, { w: tf.zeros([3]) })).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: @nlpkit/train: state dict "w" must be of shape [2], got [3]]`,
      );
    });
  });

  it('bytes that are not a checkpoint', () => {
    expect(() => decodeCheckpoint(new Uint8Array([1, 2, 3]))).toThrow(FormatError);
    const other = new TextEncoder().encode('{}');
    const header = new Uint8Array(8 + other.length);
    new DataView(header.buffer).setBigUint64(0, BigInt(other.length), true);
    header.set(other, 8);
    expect(() => decodeCheckpoint(header)).toThrow(api.CheckpointError);
  });
});
