import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { NlpkitError } from '@nlpkit/core';
import { initBackend, saveSafetensors } from '@nlpkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';

// Issue 13 item 5: checkpoints are untrusted input. 10,000 seeded cases per property; small tensors so the file
// takes a few seconds.
const RUNS = { numRuns: 10_000, seed: 13 } as const;

const name = fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString'));
const values = fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { maxLength: 6 });
const json = fc.jsonValue({ maxDepth: 4 });

/** Decodes `bytes`; a typed NlpkitError is an acceptable answer, any other throw fails the property. */
function decodeOrTypedError(bytes: Uint8Array): boolean {
  try {
    const ck = decodeCheckpoint(bytes);
    tf.dispose([...Object.values(ck.params), ...Object.values(ck.optimizer)]);
    return true;
  } catch (error) {
    if (!(error instanceof NlpkitError)) throw error;
    return false;
  }
}

describe('checkpoint fuzz (issue 13 item 5)', () => {
  beforeAll(async () => {
    await initBackend({ only: 'cpu', env: {} });
  });

  it('round trip: decodeCheckpoint(encodeCheckpoint(c)) = c, any names and JSON, and no tensor leaks', () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(
        fc.dictionary(name, values, { maxKeys: 3 }),
        fc.dictionary(name, fc.string({ maxLength: 6 }), { maxKeys: 3 }),
        json,
        json,
        (params, meta, rng, loop) => {
          const ck: Checkpoint = {
            params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, tf.tensor1d(v)])),
            optimizer: { step: tf.scalar(3, 'int32') },
            optimizerKind: 'adam',
            rng,
            loop,
            meta,
          };
          const back = decodeCheckpoint(encodeCheckpoint(ck));
          try {
            // Plain comparisons (a failing property prints its counterexample); `expect` per case is slow.
            const keys = Object.keys(back.params).sort();
            return (
              keys.join('\0') === Object.keys(params).sort().join('\0') &&
              keys.every((k) => back.params[k]!.dataSync().every((x, i) => Object.is(x, params[k]![i]))) &&
              back.optimizer['step']!.dataSync()[0] === 3 &&
              back.optimizerKind === 'adam' &&
              JSON.stringify(back.rng) === JSON.stringify(rng) &&
              JSON.stringify(back.loop) === JSON.stringify(loop) &&
              JSON.stringify(Object.entries(back.meta ?? {})) === JSON.stringify(Object.entries(meta))
            );
          } finally {
            tf.dispose([...Object.values(ck.params), ...Object.values(ck.optimizer), ...Object.values(back.params), ...Object.values(back.optimizer)]);
          }
        },
      ),
      RUNS,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('mutated and truncated checkpoints: a typed NlpkitError or a checkpoint, never another error, and no leak', () => {
    const w = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const step = tf.scalar(7, 'int32');
    const valid = encodeCheckpoint({ params: { w, __proto__: w } as never, optimizer: { step }, optimizerKind: 'sgd', rng: { s: [1, 2, 3, 4] }, loop: { epoch: 0, step: 3 }, meta: { v: '1' } });
    tf.dispose([w, step]);
    const before = tf.memory().numTensors;
    let decoded = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255)), { minLength: 1, maxLength: 4 }), fc.option(fc.nat(valid.length)), (edits, cut) => {
        const bytes = cut === null ? valid.slice() : valid.slice(0, cut);
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        if (decodeOrTypedError(bytes)) decoded += 1;
      }),
      RUNS,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(decoded).toBeGreaterThan(0);
  });

  it('hostile metadata strings: a typed NlpkitError or a checkpoint, never another error, and no leak', () => {
    const w = tf.tensor1d([1, 2]);
    const text = fc.oneof(json.map((v) => JSON.stringify(v)), fc.string({ maxLength: 12 }), fc.nat(200).map((n) => '['.repeat(n) + ']'.repeat(n)));
    const metadata = fc.record(
      { format: fc.constantFrom('nlpkit-checkpoint/1', 'nlpkit-rnn-checkpoint/1', 'x'), optimizerKind: fc.string({ maxLength: 4 }), rng: text, loop: text, meta: text },
      { requiredKeys: ['format'] },
    );
    const before = tf.memory().numTensors;
    fc.assert(fc.property(metadata, (m) => void decodeOrTypedError(saveSafetensors({ 'params.w': w }, m))), RUNS);
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });
});
