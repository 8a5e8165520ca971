import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { decodeCheckpoint, type Optimizer } from '@nlpkit/train';
import { RnnOptionError, RnnShapeError } from '../errors.js';

/** A decoded `@nlpkit/train` checkpoint. */
export type DecodedCheckpoint = ReturnType<typeof decodeCheckpoint>;

/**
 * Resumes a trainer from checkpoint bytes it wrote (`options.resume`): refuses a checkpoint of another run (any of
 * `keys` of `meta` differs), of another optimizer or with other parameter shapes, then loads the parameters into
 * `vars` and the optimizer state. `rest` reads what else the trainer keeps (RNG, loop position, buffers) while the
 * checkpoint's tensors are alive; they are freed afterwards.
 */
export function restoreCheckpoint<T>(
  bytes: Uint8Array,
  vars: Readonly<Record<string, Variable>>,
  optimizer: Optimizer,
  meta: Readonly<Record<string, string>>,
  keys: readonly string[],
  rest: (checkpoint: DecodedCheckpoint) => T,
): T {
  if (!(bytes instanceof Uint8Array)) throw new RnnOptionError({ argument: 'options.resume', expected: 'checkpoint bytes (a Uint8Array)', found: bytes });
  const ck = decodeCheckpoint(bytes);
  const tensors: Tensor[] = [...Object.values(ck.params), ...Object.values(ck.optimizer), ...Object.values(ck.buffers ?? {})];
  try {
    for (const key of keys) {
      if (ck.meta?.[key] !== meta[key]) {
        throw new RnnOptionError({ argument: `options.resume (${key})`, expected: `a checkpoint of this run (${key} ${meta[key]})`, found: ck.meta?.[key] ?? null });
      }
    }
    if (ck.optimizerKind !== optimizer.kind) {
      throw new RnnOptionError({ argument: 'options.resume (optimizer)', expected: `a checkpoint of a ${optimizer.kind} optimizer`, found: ck.optimizerKind });
    }
    for (const [name, v] of Object.entries(vars)) {
      const t = ck.params[name];
      if (t === undefined || t.shape.join(',') !== v.shape.join(',')) {
        throw new RnnShapeError({ argument: `options.resume params "${name}"`, expected: `a tensor of shape [${v.shape.join(', ')}]`, foundText: t === undefined ? 'none' : `[${t.shape.join(', ')}]` });
      }
    }
    for (const [name, v] of Object.entries(vars)) v.assign(ck.params[name] as Tensor);
    optimizer.loadState(ck.optimizer);
    return rest(ck);
  } finally {
    tf.dispose(tensors);
  }
}
