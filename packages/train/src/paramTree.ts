import { Tensor } from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError } from '@nlpkit/core';
import { PKG } from './errors.js';

/**
 * A nested record/array of tensors: how models here hold parameters (`{ layers: [{ forward: { wIh } }] }`).
 * Typed as `object` so that interfaces such as `StackParams` fit without index signatures; non-tensor
 * leaves are not allowed.
 */
export type ParamTree = object;

/**
 * Flattens a parameter tree into a flat state dict with dotted names (`layers.0.forward.wIh`), the form that
 * safetensors files, optimizers and checkpoints use. Keys are visited in insertion order.
 */
export function flattenParams(tree: ParamTree, prefix = ''): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  const walk = (node: unknown, name: string): void => {
    if (node === undefined) return;
    if (node instanceof Tensor) {
      out[name] = node;
      return;
    }
    if (typeof node !== 'object' || node === null) {
      throw new InvalidArgumentError({ package: PKG, argument: `parameter "${name}"`, expected: 'a tensor, an array or a record', found: node });
    }
    const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node);
    for (const [k, v] of entries) walk(v, name === '' ? k : `${name}.${k}`);
  };
  walk(tree, prefix);
  return out;
}

/**
 * Rebuilds a tree shaped like `template` from a flat dict (the inverse of {@link flattenParams}); every tensor
 * must be present with the template's shape.
 */
export function unflattenParams<T extends ParamTree>(template: T, dict: Readonly<Record<string, Tensor>>, prefix = ''): T {
  const walk = (node: unknown, name: string): unknown => {
    if (node === undefined) return undefined;
    if (node instanceof Tensor) {
      const t = dict[name];
      if (t === undefined) {
        throw new InvalidArgumentError({ package: PKG, argument: `state dict "${name}"`, expected: 'a tensor', found: undefined });
      }
      if (t.shape.join(',') !== node.shape.join(',')) {
        throw new ShapeError({ package: PKG, argument: `state dict "${name}"`, expected: `of shape [${node.shape.join(', ')}]`, foundText: `[${t.shape.join(', ')}]` });
      }
      return t;
    }
    if (Array.isArray(node)) return node.map((v: unknown, i) => walk(v, name === '' ? String(i) : `${name}.${i}`));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node as object)) {
      const child = walk(v, name === '' ? k : `${name}.${k}`);
      if (child !== undefined) out[k] = child;
    }
    return out;
  };
  return walk(template, prefix) as T;
}
