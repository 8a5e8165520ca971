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

  it('issue 13 item 4: a loop state read from a checkpoint is checked before resuming', async () => {
    const step = () => ({ loss: 0, gradNorm: 0, skipped: false });
    const run = (resume: unknown) => trainLoop({ epochs: 2, stepsPerEpoch: 4, step, resume: resume as never });
    await expect(run(null)).rejects.toThrow('@nlpkit/train: options.resume must be a loop state record, got null');
    await expect(run({ epoch: 0, step: '1' })).rejects.toThrow('options.resume.step must be an integer from 0 to 4, got "1"');
    await expect(run({ epoch: 1, step: 2 })).rejects.toThrow('options.resume.step must be an integer from 4 to 8, got 2');
    await expect(run({ epoch: -1, step: 0 })).rejects.toThrow('options.resume.epoch must be an integer from 0 to 1000000000, got -1');
    await expect(run({ epoch: 0, step: 1, best: 'x' })).rejects.toThrow('options.resume.best must be a finite number');
    await expect(run({ epoch: 0, step: 1, skipped: 1.5 })).rejects.toThrow('options.resume.skipped must be an integer ≥ 0, got 1.5');
    await expect(run(JSON.parse('{"epoch":0,"step":1,"__proto__":{"best":5}}'))).resolves.toMatchObject({ state: { step: 8, best: null } });
    await expect(run({ epoch: 1, step: 6, best: 2.5, badEvaluations: 1, skipped: 3 })).resolves.toMatchObject({
      stopped: 'completed',
      state: { epoch: 2, step: 8, best: 2.5, badEvaluations: 1, skipped: 3 },
    });
  });

  it('issue 13 item 4: an optimizer state from another model is a CheckpointError, not a tfjs shape error', () => {
    const opt = adam();
    const w = tf.variable(tf.zeros([2]));
    const loaded = { step: tf.scalar(1, 'int32'), 'w.m': tf.zeros([3]), 'w.v': tf.zeros([3]) };
    opt.loadState(loaded);
    expect(() => opt.apply({ w }, { w: tf.ones([2]) }, 0.1)).toThrow(
      '@nlpkit/train: optimizer state "w.m" must be of shape [2] (the parameter\'s), got [3]',
    );
    expect(() => opt.loadState({ step: 3 } as never)).toThrow('@nlpkit/train: optimizer state "step" must be a tensor, got 3');
    expect(() => opt.loadState(null as never)).toThrow(api.CheckpointError);
    tf.dispose([w, ...Object.values(loaded)]);
    opt.dispose();
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
