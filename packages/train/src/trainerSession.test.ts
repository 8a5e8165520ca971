import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { createRng, NlpkitError } from '@nlpkit/core';
import { affine } from '@nlpkit/tensor';
import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { crossEntropy } from './crossEntropy.js';
import { adam } from './optimizers/adam.js';
import { sgd } from './optimizers/sgd.js';
import { trainLoop, type LoopState } from './trainLoop.js';
import { trainStep } from './trainStep.js';
import { TRAINER_COMMON_KEYS, trainerLoopOptions, trainerStepEvent, type TrainerCheckpointEvent, type TrainerCommonOptions } from './trainerOptions.js';
import { trainerSession } from './trainerSession.js';

type Params = { w: tf.Tensor; b: tf.Tensor };
const init = (seed: number, D = 4): Params => {
  const rng = createRng(seed);
  return { w: tf.tensor2d(Float32Array.from({ length: D * 3 }, () => rng.normal() * 0.1), [D, 3]), b: tf.zeros([3]) };
};

/** A tiny trainer written with the shared pieces: softmax regression with noise from the session's RNG. */
async function train(options: TrainerCommonOptions<TrainerCheckpointEvent, Params> & { readonly D?: number }) {
  const D = options.D ?? 4;
  const rng = createRng(options.seed);
  const session = trainerSession({
    init: init(options.seed, D),
    optimizer: options.optimizer ?? adam(),
    rng,
    meta: { ...(options.meta ?? {}), D: String(D) },
    runKeys: ['D'],
    ...(options.resume !== undefined ? { resume: options.resume } : {}),
  });
  const x = tf.tensor2d(Float32Array.from({ length: 8 * D }, (_, i) => Math.sin(i)), [8, D]);
  const y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32');
  try {
    const result = await trainLoop({
      epochs: options.epochs,
      stepsPerEpoch: 4,
      ...trainerLoopOptions(options, session.resumed),
      checkpoint: (state) => session.save(options, state, { extra: 7 }),
      step: () => {
        const noise = rng.normal() * 0.01;
        session.count(8);
        return trainStep(session.vars, () => crossEntropy(tf.add(affine(x, session.params.w as Tensor2D, session.params.b as Tensor1D), noise), y), session.optimizer, 0.1);
      },
    });
    return { result, values: Object.fromEntries(Object.entries(session.vars).map(([k, v]) => [k, Array.from(v.dataSync())])), session };
  } finally {
    tf.dispose([x, y]);
  }
}

describeBackends('trainerSession: the state a trainer keeps, checkpointed and resumed', () => {
  it('a run stopped after an epoch and resumed from its checkpoint ends with the weights of one straight run', async () => {
    const straight = await train({ seed: 3, epochs: 2 });
    straight.session.dispose();
    let bytes: Uint8Array | undefined;
    const events: TrainerCheckpointEvent[] = [];
    const first = await train({ seed: 3, epochs: 1, checkpoint: (b) => void (bytes = b), onEvent: (e) => events.push(e) });
    first.session.dispose();
    expect(events).toEqual([{ type: 'checkpoint', epoch: 1, step: 4 }]);
    const before = tf.memory().numTensors;
    const resumed = await train({ seed: 3, epochs: 2, resume: bytes! });
    expect(resumed.session.resumed).toMatchObject({ epoch: 1, step: 4, extra: 7 });
    expect(resumed.session.seconds()).toBeGreaterThanOrEqual(0);
    expect(resumed.values).toEqual(straight.values);
    resumed.session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a checkpoint of another run, optimizer or shape with a CheckpointError naming the argument, and frees what it made', async () => {
    let bytes: Uint8Array | undefined;
    (await train({ seed: 1, epochs: 1, checkpoint: (b) => void (bytes = b) })).session.dispose();
    const before = tf.memory().numTensors;
    const start = (resume: unknown, D = 4, optimizer = adam()) =>
      trainerSession({ init: init(1, D), optimizer, rng: createRng(1), meta: { D: String(D) }, runKeys: ['D'], resume: resume as Uint8Array });
    expect(() => start(bytes, 5)).toThrow(expect.objectContaining({ code: 'ERR_CHECKPOINT', argument: 'options.resume (D)' }));
    expect(() => start(bytes, 4, sgd())).toThrow(expect.objectContaining({ code: 'ERR_CHECKPOINT', argument: 'options.resume (optimizer)' }));
    expect(() =>
      trainerSession({ init: init(1, 5), optimizer: adam(), rng: createRng(1), meta: { D: '4' }, runKeys: ['D'], resume: bytes! }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CHECKPOINT', argument: 'options.resume params "w"' }));
    expect(() => start([1, 2])).toThrow(NlpkitError);
    expect(() => start(new Uint8Array([1, 2, 3]))).toThrow(NlpkitError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

it('TRAINER_COMMON_KEYS names every member of TrainerCommonOptions; trainerStepEvent reports the rate of the last step', () => {
  const all: Required<Record<keyof TrainerCommonOptions<unknown>, true>> = {
    seed: true, epochs: true, optimizer: true, lr: true, clipNorm: true, logEvery: true, checkpointEvery: true, checkpoint: true, resume: true,
    onEvent: true, signal: true, meta: true,
  };
  expect([...TRAINER_COMMON_KEYS].sort()).toEqual(Object.keys(all).sort());
  expect(trainerLoopOptions({}, undefined)).toEqual({ logEvery: 50 });
  const state: LoopState = { epoch: 1, step: 10, best: null, badEvaluations: 0, skipped: 2 };
  expect(trainerStepEvent({ type: 'log', state, loss: 1.5, gradNorm: 0.5, steps: 5, skipped: 0 }, 8, ({ step }) => step, 3)).toEqual({
    type: 'step', epoch: 1, step: 10, stepsPerEpoch: 8, loss: 1.5, gradNorm: 0.5, lr: 9, seconds: 3, skipped: 2,
  });
});
