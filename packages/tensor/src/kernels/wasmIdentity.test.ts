import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends } from '../testing/index.js';
import { registerWasmIdentity } from './wasmIdentity.js';

const numDataIds = (): number => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

// The wasm `Identity` that shares memory under a reference count (registered by initBackend), on every backend:
// elsewhere registerWasmIdentity declines and tfjs's own kernel runs.
describeBackends('Identity on wasm shares its input', (backend) => {
  it(backend === 'wasm' ? 'is registered by initBackend, idempotently' : 'is not registered on this backend', () => {
    expect(registerWasmIdentity()).toBe(backend === 'wasm');
    expect(registerWasmIdentity()).toBe(backend === 'wasm');
    const config = tf.getKernel('Identity', tf.getBackend()) as { nlpkitCopying?: unknown } | undefined;
    expect(config?.nlpkitCopying !== undefined).toBe(backend === 'wasm');
  });

  it('a clone outlives its source, reads the same values, and frees the memory when both are gone', () => {
    const [ids, bytes] = [numDataIds(), tf.memory().numBytes];
    const x = tf.tensor2d([1, -2, 3.5, 4, 5, 6], [2, 3]);
    const y = tf.engine().runKernel('Identity', { x }) as Tensor;
    if (backend === 'wasm') expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3.5, 4, 5, 6]);
    expect(y.shape).toEqual([2, 3]);
    y.dispose();
    expect(numDataIds()).toBe(ids);
    expect(tf.memory().numBytes).toBe(bytes);
  });

  it('strings are still copied', () => {
    const s = tf.tensor1d(['a', 'bc']);
    const c = tf.clone(s);
    s.dispose();
    expect(c.arraySync()).toEqual(['a', 'bc']);
    c.dispose();
  });

  it('a gradient that saves tensors gets their values, a variable assigned afterwards keeps its own, and nothing leaks', () => {
    const before = tf.memory().numTensors;
    const v = tf.tidy(() => tf.variable(tf.tensor1d([0.5, -1, 2])));
    const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
      const [x, save] = args as [Tensor, tf.GradSaveFunc];
      const e = tf.exp(x);
      save([e, x]);
      return { value: tf.sum(e), gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.mul(dy, tf.add(saved[0] as Tensor, tf.mul(saved[1] as Tensor, 0)))] };
    });
    const { value, grads } = tf.variableGrads(() => op(v) as tf.Scalar);
    const g = grads[v.name] as Tensor;
    expect(Array.from(g.dataSync())).toEqual(Array.from(Float32Array.from([0.5, -1, 2], Math.exp)));
    expect(value.dataSync()[0]).toBeCloseTo(Math.exp(0.5) + Math.exp(-1) + Math.exp(2), 5);
    tf.tidy(() => v.assign(tf.tensor1d([7, 8, 9])));
    expect(Array.from(g.dataSync())).toEqual(Array.from(Float32Array.from([0.5, -1, 2], Math.exp)));
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([value, g, v]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
