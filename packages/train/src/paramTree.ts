import { Tensor } from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError } from '@nlpkit/core';
import { PKG } from './errors.js';

/**
 * A nested record/array of tensors: how models here hold parameters (`{ layers: [{ forward: { wIh } }] }`).
 * Typed as `object` so that interfaces such as `StackParams` fit without index signatures; non-tensor
 * leaves are not allowed.
 */
export type ParamTree = object;

/** The children of a tree node, in order (array indices, or own enumerable keys in insertion order). */
function children(node: object): [string, unknown][] {
  return Array.isArray(node) ? node.map((v: unknown, i) => [String(i), v]) : Object.entries(node);
}

const join = (name: string, key: string): string => (name === '' ? key : `${name}.${key}`);

/** Throws if `node` is already on the path from the root: a cyclic tree has no flat form. */
function enter(path: Set<object>, node: object, name: string): void {
  if (path.has(node)) {
    throw new InvalidArgumentError({ package: PKG, argument: `parameter "${name}"`, expected: 'a tree (no cycles)', foundText: 'a node that contains itself' });
  }
  path.add(node);
}

/**
 * Flattens a parameter tree into a flat state dict with dotted names (`layers.0.forward.wIh`), the form that
 * safetensors files, optimizers and checkpoints use. Keys are visited in insertion order. The walk is iterative
 * (any depth, no stack overflow) and refuses cycles; the result has a null prototype, so any key —
 * `__proto__` included — is kept as a name.
 */
export function flattenParams(tree: ParamTree, prefix = ''): Record<string, Tensor> {
  const out = Object.create(null) as Record<string, Tensor>;
  // Depth-first with an explicit stack; `exit` entries take a node off the current path once its subtree is done.
  const stack: { node: unknown; name: string; exit?: object }[] = [{ node: tree, name: prefix }];
  const path = new Set<object>();
  while (stack.length > 0) {
    const { node, name, exit } = stack.pop()!;
    if (exit !== undefined) {
      path.delete(exit);
      continue;
    }
    if (node === undefined) continue;
    if (node instanceof Tensor) {
      out[name] = node;
      continue;
    }
    if (typeof node !== 'object' || node === null) {
      throw new InvalidArgumentError({ package: PKG, argument: `parameter "${name}"`, expected: 'a tensor, an array or a record', found: node });
    }
    enter(path, node, name);
    stack.push({ node: undefined, name, exit: node });
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i]![1], name: join(name, kids[i]![0]) });
  }
  return out;
}

/** Sets an own property, even one named `__proto__` (plain assignment would change the object's prototype). */
function setOwn(target: Record<string, unknown> | unknown[], key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Rebuilds a tree shaped like `template` from a flat dict (the inverse of {@link flattenParams}); every tensor
 * must be present with the template's shape. Only the dict's own keys are read (a dict from a file cannot supply
 * `constructor` through its prototype), the walk is iterative and refuses cycles, and keys such as `__proto__`
 * become ordinary own properties of the rebuilt records.
 */
export function unflattenParams<T extends ParamTree>(template: T, dict: Readonly<Record<string, Tensor>>, prefix = ''): T {
  if (dict === null || typeof dict !== 'object') {
    throw new InvalidArgumentError({ package: PKG, argument: 'dict', expected: 'a record of tensors', found: dict });
  }
  const lookup = (node: Tensor, name: string): Tensor => {
    const t = Object.hasOwn(dict, name) ? dict[name] : undefined;
    if (!(t instanceof Tensor)) {
      throw new InvalidArgumentError({ package: PKG, argument: `state dict "${name}"`, expected: 'a tensor', found: t });
    }
    if (t.shape.join(',') !== node.shape.join(',')) {
      throw new ShapeError({ package: PKG, argument: `state dict "${name}"`, expected: `of shape [${node.shape.join(', ')}]`, foundText: `[${t.shape.join(', ')}]` });
    }
    return t;
  };
  if (template instanceof Tensor) return lookup(template, prefix) as unknown as T;
  if (typeof template !== 'object' || template === null) {
    throw new InvalidArgumentError({ package: PKG, argument: 'template', expected: 'a tensor, an array or a record', found: template });
  }
  const makeContainer = (node: object): Record<string, unknown> | unknown[] => (Array.isArray(node) ? new Array<unknown>(node.length) : {});
  const root = makeContainer(template);
  const stack: { node: object; name: string; out: Record<string, unknown> | unknown[]; exit?: true }[] = [{ node: template, name: prefix, out: root }];
  const path = new Set<object>();
  while (stack.length > 0) {
    const { node, name, out, exit } = stack.pop()!;
    if (exit === true) {
      path.delete(node);
      continue;
    }
    enter(path, node, name);
    stack.push({ node, name, out, exit: true });
    // Forward, so the rebuilt records keep the template's key order.
    for (const [key, child] of children(node)) {
      const childName = join(name, key);
      if (child === undefined) continue;
      if (child instanceof Tensor) setOwn(out, key, lookup(child, childName));
      else if (typeof child === 'object' && child !== null) {
        const container = makeContainer(child);
        setOwn(out, key, container);
        stack.push({ node: child, name: childName, out: container });
      } else {
        throw new InvalidArgumentError({ package: PKG, argument: `parameter "${childName}"`, expected: 'a tensor, an array or a record', found: child });
      }
    }
  }
  return root as T;
}
