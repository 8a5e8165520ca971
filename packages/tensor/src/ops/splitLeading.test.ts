import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@nlpkit/core';
import { expect, it } from 'vitest';
import { describeBackends, expectClose } from '../testing/index.js';
import { concatLeading, splitLeading } from './splitLeading.js';

describeBackends('splitLeading and concatLeading', (backend) => {
  it('give tf.split and tf.concat along axis 0, values and gradients, empty parts included', () => {
    tf.tidy(() => {
      const x = tf.tensor3d(Array.from({ length: 6 * 2 * 3 }, (_, i) => i - 7.5), [6, 2, 3]) as Tensor3D;
      const sizes = [3, 0, 1, 2];
      const parts = splitLeading(x, sizes);
      const stock = tf.split(x, sizes, 0);
      expect(parts.map((p) => p.shape)).toEqual(stock.map((p) => p.shape));
      parts.forEach((p, i) => expectClose(p, stock[i] as Tensor, { atol: 0 }));
      expectClose(concatLeading(parts), x, { atol: 0 });
      // Only some parts reach the loss: the others' gradients are zeros; weights tell the parts apart.
      const loss = (t: Tensor) => {
        const [a, , c, d] = splitLeading(t, sizes) as [Tensor, Tensor, Tensor, Tensor];
        return tf.addN([tf.sum(tf.mul(a, 2)), tf.sum(tf.mul(tf.square(d), 0.5)), tf.mul(tf.sum(c), 0)]);
      };
      const values = x.dataSync();
      const expected = Array.from(values, (v, i) => (i < 18 ? 2 : i < 24 ? 0 : v));
      expectClose(tf.grad(loss)(x), tf.tensor3d(expected, [6, 2, 3]), { atol: 0 });
      // The gradient of concatLeading splits dy back into the parts.
      const [u, v] = [tf.ones([2, 3]), tf.fill([1, 3], 2)];
      const [gu, gv] = tf.grads((p: Tensor, q: Tensor) => tf.sum(tf.mul(concatLeading([p, q]), tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]))))([u, v]);
      expectClose(gu as Tensor, tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]), { atol: 0 });
      expectClose(gv as Tensor, tf.tensor2d([7, 8, 9], [1, 3]), { atol: 0 });
      expect(tf.getKernel('NlpkitWasmSplitLeading', backend) !== undefined).toBe(backend === 'wasm');
    });
  });

  it('rejects sizes that do not add up to the first dimension, naming the argument', () => {
    const x = tf.zeros([4, 2]);
    expect(() => splitLeading(x, [2, 1])).toThrow(InvalidArgumentError);
    expect(() => splitLeading(x, [2, 1])).toThrow(/sizes.*summing to x\.shape\[0\] \(4\)/);
    expect(() => splitLeading(x, [5, -1])).toThrow(InvalidArgumentError);
    x.dispose();
  });
});
