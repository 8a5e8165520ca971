import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng, FormatError, InvalidArgumentError, NlpkitError, ShapeError } from '@nlpkit/core';
import { initBackend, loadSafetensors, saveSafetensors } from '@nlpkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { embedding } from './layers/embedding.js';
import { idsTensor } from './layers/idsTensor.js';
import * as api from './index.js';
import { RnnDtypeError, RnnLengthError, RnnOptionError, RnnShapeError } from './errors.js';
import { fromTorchRnn } from './torch/torchImport.js';
import { initCell } from './cells/initCell.js';
import { lstmCell } from './cells/lstmCell.js';
import { recurrent } from './layers/recurrent.js';
import { rnnStack } from './layers/rnnStack.js';
import type { LstmParams } from './types.js';

// Argument checking does not depend on the backend, so these run once, on cpu.
describe('bad input gives typed errors naming the argument', () => {
  beforeAll(async () => {
    await initBackend({ only: 'cpu', env: {} });
  });
  const rng = createRng(1);
  const lstm = () => initCell({ type: 'lstm' }, 3, 4, rng) as LstmParams;

  it('every exported error class is an NlpkitError with a stable code', () => {
    const classes = Object.entries(api).filter(([name, v]) => typeof v === 'function' && name.endsWith('Error'));
    const codes = classes.map(([name, Class]) => {
      const e = new (Class as new (d: string) => NlpkitError)('x');
      expect(e, name).toBeInstanceOf(NlpkitError);
      expect(e.name).toBe(name);
      expect(e.message).toBe('@nlpkit/rnn: x');
      return e.code;
    });
    expect(codes.sort()).toEqual(['ERR_RNN_DTYPE', 'ERR_RNN_LENGTH', 'ERR_RNN_MODEL_FORMAT', 'ERR_RNN_OPTION', 'ERR_RNN_SHAPE']);
    expect(new api.RnnModelFormatError('x')).toBeInstanceOf(FormatError);
    expect(new api.RnnShapeError('x')).toBeInstanceOf(ShapeError);
    expect(new api.RnnDtypeError('x')).toBeInstanceOf(ShapeError);
    expect(new api.RnnOptionError('x')).toBeInstanceOf(InvalidArgumentError);
    expect(new api.RnnLengthError('x')).toBeInstanceOf(InvalidArgumentError);
  });

  it('shape mismatches', () => {
    tf.tidy(() => {
      const p = lstm();
      expect(() => recurrent({ type: 'lstm' }, p, tf.zeros([2, 5, 4]) as Tensor3D)).toThrowErrorMatchingInlineSnapshot(
        `[RnnShapeError: @nlpkit/rnn: x must be of shape [batch, T, in=3], got [2, 5, 4]]`,
      );
      expect(() => lstmCell(p, tf.zeros([2, 3]) as Tensor2D, { h: tf.zeros([2, 5]) as Tensor2D, c: tf.zeros([2, 4]) as Tensor2D })).toThrowErrorMatchingInlineSnapshot(
        `[RnnShapeError: @nlpkit/rnn: lstmCell state.h must be of shape [2, 4], got [2, 5]]`,
      );
      expect(() => recurrent({ type: 'lstm' }, p, tf.zeros([2, 5, 3]) as Tensor3D, { initialState: { h: tf.zeros([2, 4]) as Tensor2D } })).toThrow(RnnOptionError);
      expect(() => rnnStack({ type: 'lstm' }, { layers: [{ forward: p }] }, tf.zeros([2, 5, 3]) as Tensor3D, { initialState: [] })).toThrowErrorMatchingInlineSnapshot(
        `[RnnShapeError: @nlpkit/rnn: initialState must hold 1 states (layers × directions), got 0]`,
      );
      expect(() => fromTorchRnn({}, { mode: 'LSTM' })).toThrow(RnnShapeError);
    });
  });

  it('issue 13: a PyTorch state dict read from a hostile safetensors file — odd names are ordinary names, messages stay short', () => {
    const w = (r: number, c: number) => tf.zeros([r, c]);
    const b = (n: number) => tf.zeros([n]);
    // Built with fromEntries: in an object literal `__proto__: t` would set the prototype instead.
    const dict = Object.fromEntries([['__proto__', b(1)], ['constructor', b(1)], ['weight_ih_l0', w(8, 3)], ['weight_hh_l0', w(8, 2)], ['bias_ih_l0', b(8)], ['bias_hh_l0', b(8)]]);
    const bytes = saveSafetensors(dict);
    const loaded = loadSafetensors(bytes).tensors;
    expect(Object.keys(loaded)).toContain('__proto__');
    const { params } = fromTorchRnn(loaded, { mode: 'RNN' });
    expect(params.layers).toHaveLength(1);
    const long = { ['x'.repeat(1 << 20)]: b(1) };
    const error = (() => {
      try {
        fromTorchRnn(long, { mode: 'GRU' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RnnShapeError);
    expect(error!.message.length).toBeLessThan(200);
    // `constructor` as a prefix finds nothing on Object.prototype.
    expect(() => fromTorchRnn({}, { mode: 'LSTM' }, 'constructor')).toThrow(RnnShapeError);
    tf.dispose([...Object.values(dict), ...Object.values(loaded), ...Object.values(long)]);
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
      expect(() => idsTensor([[1, 2], [3]])).toThrowErrorMatchingInlineSnapshot(
        `[RnnShapeError: @nlpkit/rnn: ids[1] must be an array of 2 ids (rows must be padded to one length), got an array of length 1]`,
      );
      expect(() => idsTensor([[1, 2.5]])).toThrow(RnnDtypeError);
    });
  });

  it('unknown cell options and option values', () => {
    tf.tidy(() => {
      const x = tf.zeros([2, 5, 3]) as Tensor3D;
      expect(() => recurrent({ type: 'lstm', peephole: true } as never, lstm(), x)).toThrowErrorMatchingInlineSnapshot(
        `[RnnOptionError: @nlpkit/rnn: config.peephole must be absent (known options: type, coupled), got an unknown option]`,
      );
      expect(() => recurrent({ type: 'rnn', activation: 'gelu' } as never, lstm(), x)).toThrowErrorMatchingInlineSnapshot(
        `[RnnOptionError: @nlpkit/rnn: config.activation must be one of tanh, relu, sigmoid, got "gelu"]`,
      );
      expect(() => recurrent({ type: 'lstm' }, lstm(), x, { revers: true } as never)).toThrow(RnnOptionError);
      expect(() => initCell({ type: 'gru' }, 3, 4, rng, { forgetBias: 1 })).toThrow(RnnOptionError);
      expect(() => rnnStack({ type: 'lstm' }, { layers: [{ forward: lstm() }] }, x, { dropout: 2 })).toThrowErrorMatchingInlineSnapshot(
        `[RnnOptionError: @nlpkit/rnn: dropout must be a number from 0 to 0.999999, got 2]`,
      );
      expect(() => rnnStack({ type: 'lstm' }, { layers: [{ forward: lstm() }] }, x, { inputDropout: 0.5, training: true })).toThrow(/rng is required/);
    });
  });
});
