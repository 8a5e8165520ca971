import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends } from './testing/index.js';
import { tidyValue } from './tidyValue.js';

describeBackends('tidyValue', () => {
  it('returns the values read inside and disposes every tensor made there', () => {
    const before = tf.memory().numTensors;
    const values = tidyValue(() => tf.add(tf.tensor1d([1, 2, 3]), 1).dataSync() as Float32Array);
    expect(Array.from(values)).toEqual([2, 3, 4]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('disposes the tensors when fn throws, and passes the error on', () => {
    const before = tf.memory().numTensors;
    expect(() =>
      tidyValue(() => {
        tf.ones([2]);
        throw new RangeError('inside');
      }),
    ).toThrow(RangeError);
    expect(tf.memory().numTensors).toBe(before);
  });

  // tf.tidy visits every index of a typed array it returns; tidyValue hands the array back untouched. Counted,
  // not timed: a proxy records each index read.
  it('does not walk the result', () => {
    let reads = 0;
    const big = new Proxy(new Float32Array(1000), { get: (t, k) => ((reads += typeof k === 'string' && /^\d+$/.test(k) ? 1 : 0), Reflect.get(t, k)) });
    tf.tidy(() => big);
    const walked = reads;
    reads = 0;
    expect(tidyValue(() => big)).toBe(big);
    expect(walked).toBe(1000);
    expect(reads).toBe(0);
  });
});
