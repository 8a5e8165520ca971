import { createRng, InvalidArgumentError } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { greedyDecode } from './greedyDecode.js';
import { sampleDecode } from './sampleDecode.js';
import { EOS, randomLogits, toySession, type ToyLogits } from './toySessions.test.support.js';

const strip = (o: { ids: number[]; logProb: number; finished: boolean }) => ({ ids: o.ids, logProb: o.logProb, finished: o.finished });

describeBackends('sampleDecode', () => {
  const lengths = [3, 1, 4, 2];
  const logits = randomLogits(9, 31);

  it('is reproducible from a seed and differs between seeds', async () => {
    const session = toySession(lengths, 9, logits);
    const a = await sampleDecode(session, { rng: 5, maxLength: 8 });
    const b = await sampleDecode(session, { rng: createRng(5), maxLength: 8 });
    const c = await sampleDecode(session, { rng: 6, maxLength: 8 });
    expect(a.map(strip)).toEqual(b.map(strip));
    expect(a.map(strip)).not.toEqual(c.map(strip));
  });

  it('is greedy decoding with topK 1, with a tiny topP, or at a temperature near 0', async () => {
    const session = toySession(lengths, 9, logits);
    const greedy = (await greedyDecode(session, { maxLength: 8 })).map(strip);
    expect((await sampleDecode(session, { rng: 1, topK: 1, maxLength: 8 })).map(strip)).toEqual(greedy);
    expect((await sampleDecode(session, { rng: 2, topP: 1e-6, maxLength: 8 })).map(strip)).toEqual(greedy);
    expect((await sampleDecode(session, { rng: 3, temperature: 1e-4, maxLength: 8 })).map(strip)).toEqual(greedy);
  });

  it('draws first tokens with the model distribution, and only among the top k / top p', async () => {
    // First step: a 0.5, b 0.3, c 0.2; then </s>.
    const first: ToyLogits = (_s, step) => (step === 0 ? [0, -Infinity, 0, -Infinity, Math.log(0.5), Math.log(0.3), Math.log(0.2)] : [0, 0, 0, 0, -Infinity, -Infinity, -Infinity]);
    const n = 400;
    const session = toySession(new Array<number>(n).fill(1), 7, first);
    const count = (outs: { ids: number[] }[]) => [4, 5, 6].map((v) => outs.filter((o) => o.ids[0] === v).length / n);
    const all = count(await sampleDecode(session, { rng: 9, maxLength: 3 }));
    expect(all[0]).toBeCloseTo(0.5, 1);
    expect(all[1]).toBeCloseTo(0.3, 1);
    expect(all[2]).toBeCloseTo(0.2, 1);
    const top2 = count(await sampleDecode(session, { rng: 9, maxLength: 3, topK: 2 }));
    expect(top2[2]).toBe(0);
    expect(top2[0]).toBeCloseTo(0.625, 1);
    const nucleus = count(await sampleDecode(session, { rng: 9, maxLength: 3, topP: 0.75 }));
    expect(nucleus[2]).toBe(0); // 0.5 + 0.3 reaches 0.75
  });

  it('does not grow the tensor count across 1,000 decoding steps', async () => {
    const never: ToyLogits = () => [0, 0, 0, -Infinity, 1, 0, 0];
    const session = toySession([2, 3], 7, never);
    await sampleDecode(session, { rng: 1, maxLength: 2 });
    const before = tf.memory().numTensors;
    const outs = await sampleDecode(session, { rng: 1, maxLength: 1000 });
    expect(outs.map((o) => o.ids.length)).toEqual([1000, 1000]);
    expect(outs.every((o) => !o.ids.includes(EOS))).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('sampleDecode options', () => {
  const session = toySession([2], 7, () => [0, 0, 0, 0, 0, 0, 0]);
  it.each([
    [{ rng: 1, temperature: 0 }, 'options.temperature'],
    [{ rng: 1, temperature: -1 }, 'options.temperature'],
    [{ rng: 1, topP: 0 }, 'options.topP'],
    [{ rng: 1, topP: 1.5 }, 'options.topP'],
    [{ rng: 1, topK: 0 }, 'options.topK'],
    [{ rng: 'x' }, 'options.rng'],
    [{ rng: 1, maxLength: 1, minLength: 2 }, 'options.maxLength'],
  ])('rejects %o naming %s', async (options, argument) => {
    const error = await sampleDecode(session, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(argument);
  });

  it('says what the temperature must be', async () => {
    const error = await sampleDecode(session, { rng: 1, temperature: 0 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatchInlineSnapshot(`"@nlpkit/seq2seq: options.temperature must be a finite number > 0, got 0"`);
  });
});
