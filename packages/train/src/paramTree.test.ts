import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@nlpkit/core';
import { initBackend } from '@nlpkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { flattenParams, unflattenParams } from './paramTree.js';

beforeAll(async () => {
  await initBackend({ only: 'cpu', env: {} });
});

describe('parameter trees', () => {
  it('flatten and unflatten are inverse, keep key order, and skip undefined', () => {
    tf.tidy(() => {
      const tree = { b: tf.zeros([1]), layers: [{ w: tf.zeros([2]) }, { w: tf.zeros([3]), proj: undefined }], a: tf.zeros([4]) };
      const flat = flattenParams(tree);
      expect(Object.keys(flat)).toEqual(['b', 'layers.0.w', 'layers.1.w', 'a']);
      expect(Object.keys(flattenParams(tree, 'enc'))).toEqual(['enc.b', 'enc.layers.0.w', 'enc.layers.1.w', 'enc.a']);
      const back = unflattenParams(tree, flat);
      expect(Object.keys(back)).toEqual(['b', 'layers', 'a']);
      expect(back.layers[1]!.w).toBe(flat['layers.1.w']);
      expect('proj' in back.layers[1]!).toBe(false);
    });
  });

  it('issue 13 item 3: keys named __proto__ and constructor are ordinary names both ways', () => {
    tf.tidy(() => {
      const tree = JSON.parse('{"__proto__":{"w":0},"constructor":0}') as Record<string, unknown>;
      (tree['__proto__'] as Record<string, unknown>)['w'] = tf.zeros([2]);
      tree['constructor'] = tf.zeros([1]);
      const flat = flattenParams(tree);
      expect(Object.getPrototypeOf(flat)).toBeNull();
      expect(Object.keys(flat)).toEqual(['__proto__.w', 'constructor']);
      const back = unflattenParams(tree, flat);
      expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
      expect(Object.keys(back)).toEqual(['__proto__', 'constructor']);
      expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ w: flat['__proto__.w'] });
      // A dict that lacks a name is not completed from Object.prototype.
      expect(() => unflattenParams({ constructor: tf.zeros([1]) }, {})).toThrow(
        '@nlpkit/train: state dict "constructor" must be a tensor, got undefined',
      );
      expect(() => unflattenParams({ toString: tf.zeros([1]) }, {})).toThrow(InvalidArgumentError);
    });
  });

  it('issue 13 item 6: walks are iterative (100,000 levels deep) and refuse cycles', () => {
    tf.tidy(() => {
      const leaf = tf.zeros([1]);
      let tree: object = { w: leaf };
      for (let i = 0; i < 100_000; i++) tree = [tree];
      const flat = flattenParams(tree);
      const [name] = Object.keys(flat);
      expect(name).toBe(`${'0.'.repeat(100_000)}w`);
      let back = unflattenParams(tree, flat) as unknown;
      for (let i = 0; i < 100_000; i++) back = (back as unknown[])[0];
      expect((back as { w: tf.Tensor }).w).toBe(leaf);
      const cyclic: Record<string, unknown> = { w: leaf };
      cyclic['self'] = { again: cyclic };
      expect(() => flattenParams(cyclic)).toThrow('@nlpkit/train: parameter "self.again" must be a tree (no cycles), got a node that contains itself');
      expect(() => unflattenParams(cyclic, { w: leaf })).toThrow('must be a tree (no cycles)');
      // Shared (non-cyclic) subtrees are fine: tied weights.
      const shared = { w: leaf };
      expect(Object.keys(flattenParams({ a: shared, b: shared }))).toEqual(['a.w', 'b.w']);
    });
  });

  it('non-tensor leaves are refused by both walks', () => {
    expect(() => flattenParams({ a: 3 })).toThrow('@nlpkit/train: parameter "a" must be a tensor, an array or a record, got 3');
    expect(() => unflattenParams({ a: 'x' }, {})).toThrow('@nlpkit/train: parameter "a" must be a tensor, an array or a record, got "x"');
    expect(() => unflattenParams({}, null as never)).toThrow('@nlpkit/train: dict must be a record of tensors, got null');
  });
});
