import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng, initBackend } from '@nlpkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossEntropy } from './crossEntropy.js';
import { decodeCheckpoint } from './checkpoint.js';
import { embedding } from './embedding.js';
import { RnnCheckpointError, RnnDtypeError, RnnLengthError, RnnOptionError, RnnShapeError } from './errors.js';
import { fromTorchRnn } from './torchImport.js';
import { initCell } from './initCell.js';
import { lstmCell } from './lstmCell.js';
import { recurrent } from './recurrent.js';
import { rnnStack } from './rnnStack.js';
import { sgd } from './sgd.js';
import type { LstmParams } from './types.js';

// Argument checking does not depend on the backend, so these run once, on cpu.
describe('bad input gives typed errors naming the argument', () => {
  beforeAll(async () => {
    await initBackend({ only: 'cpu', env: {} });
  });
  const rng = createRng(1);
  const lstm = () => initCell({ type: 'lstm' }, 3, 4, rng) as LstmParams;

  it('shape mismatches', () => {
    tf.tidy(() => {
      const p = lstm();
      expect(() => recurrent({ type: 'lstm' }, p, tf.zeros([2, 5, 4]) as Tensor3D)).toThrowErrorMatchingInlineSnapshot(
        `[RnnShapeError: @nlpkit/rnn: x must have shape [batch, T, in=3], got [2, 5, 4]]`,
      );
      expect(() => lstmCell(p, tf.zeros([2, 3]) as Tensor2D, { h: tf.zeros([2, 5]) as Tensor2D, c: tf.zeros([2, 4]) as Tensor2D })).toThrowErrorMatchingInlineSnapshot(
        `[RnnShapeError: @nlpkit/rnn: lstmCell state.h must have shape [2, 4], got [2, 5]]`,
      );
      expect(() => recurrent({ type: 'lstm' }, p, tf.zeros([2, 5, 3]) as Tensor3D, { initialState: { h: tf.zeros([2, 4]) as Tensor2D } })).toThrow(RnnOptionError);
      expect(() => rnnStack({ type: 'lstm' }, { layers: [{ forward: p }] }, tf.zeros([2, 5, 3]) as Tensor3D, { initialState: [] })).toThrowErrorMatchingInlineSnapshot(
        `[RnnShapeError: @nlpkit/rnn: initialState must hold 1 states (layers × directions), got 0]`,
      );
      expect(() => fromTorchRnn({}, { mode: 'LSTM' })).toThrow(RnnShapeError);
    });
  });

  it('lengths longer than the time axis, or not one per row', () => {
    tf.tidy(() => {
      const x = tf.zeros([2, 5, 3]) as Tensor3D;
      expect(() => recurrent({ type: 'lstm' }, lstm(), x, { lengths: [5, 6] })).toThrowErrorMatchingInlineSnapshot(
        `[RnnLengthError: @nlpkit/rnn: lengths[1] must be an integer from 0 to the time axis 5, got 6]`,
      );
      expect(() => recurrent({ type: 'lstm' }, lstm(), x, { lengths: [5, 2.5] })).toThrow(RnnLengthError);
      expect(() => recurrent({ type: 'lstm' }, lstm(), x, { lengths: [5] })).toThrowErrorMatchingInlineSnapshot(
        `[RnnShapeError: @nlpkit/rnn: lengths must have one entry per batch row (2), got 1]`,
      );
    });
  });

  it('wrong dtypes', () => {
    tf.tidy(() => {
      expect(() => recurrent({ type: 'lstm' }, lstm(), tf.zeros([2, 5, 3], 'int32') as Tensor3D)).toThrowErrorMatchingInlineSnapshot(
        `[RnnDtypeError: @nlpkit/rnn: x must be a float32 tensor, got int32]`,
      );
      expect(() => embedding(tf.zeros([4, 2]) as Tensor2D, tf.zeros([3]))).toThrow(RnnDtypeError);
      expect(() => crossEntropy(tf.zeros([2, 3]) as Tensor2D, tf.tensor1d([0, 1]) as Tensor1D)).toThrowErrorMatchingInlineSnapshot(
        `[RnnDtypeError: @nlpkit/rnn: targets must be a int32 tensor, got float32]`,
      );
    });
  });

  it('unknown cell options and option values', () => {
    tf.tidy(() => {
      const x = tf.zeros([2, 5, 3]) as Tensor3D;
      expect(() => recurrent({ type: 'lstm', peephole: true } as never, lstm(), x)).toThrowErrorMatchingInlineSnapshot(
        `[RnnOptionError: @nlpkit/rnn: config has unknown option "peephole", expected one of type, coupled]`,
      );
      expect(() => recurrent({ type: 'rnn', activation: 'gelu' } as never, lstm(), x)).toThrowErrorMatchingInlineSnapshot(
        `[RnnOptionError: @nlpkit/rnn: config.activation must be one of tanh, relu, sigmoid, got "gelu"]`,
      );
      expect(() => recurrent({ type: 'lstm' }, lstm(), x, { revers: true } as never)).toThrow(RnnOptionError);
      expect(() => initCell({ type: 'gru' }, 3, 4, rng, { forgetBias: 1 })).toThrow(RnnOptionError);
      expect(() => sgd({ momentum: 2 })).toThrowErrorMatchingInlineSnapshot(
        `[RnnOptionError: @nlpkit/rnn: momentum must be a number from 0 to 1, got 2]`,
      );
      expect(() => rnnStack({ type: 'lstm' }, { layers: [{ forward: lstm() }] }, x, { inputDropout: 0.5, training: true })).toThrow(/rng is required/);
    });
  });

  it('bytes that are not a checkpoint', () => {
    expect(() => decodeCheckpoint(new Uint8Array([1, 2, 3]))).toThrow();
    const other = new TextEncoder().encode('{}');
    const header = new Uint8Array(8 + other.length);
    new DataView(header.buffer).setBigUint64(0, BigInt(other.length), true);
    header.set(other, 8);
    expect(() => decodeCheckpoint(header)).toThrow(RnnCheckpointError);
  });
});
