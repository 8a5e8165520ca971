import { InvalidArgumentError } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { beamSearch } from './beamSearch.js';
import { greedyDecode } from './greedyDecode.js';
import { EOS, randomLogits, stepLogProbs, toySession, type ToyLogits } from './toySessions.test.support.js';

describeBackends('greedyDecode', () => {
  it('takes the most probable token at every step and sums its log-probabilities', async () => {
    const lengths = [3, 1, 4];
    const session = toySession(lengths, 9, randomLogits(9, 21));
    const outputs = await greedyDecode(session, { maxLength: 6 });
    for (let s = 0; s < lengths.length; s++) {
      const out = outputs[s]!;
      let logProb = 0;
      const steps = out.ids.length + (out.finished ? 1 : 0);
      for (let t = 0; t < steps; t++) {
        const lp = await stepLogProbs(session, s, out.ids.slice(0, t));
        const chosen = t < out.ids.length ? out.ids[t]! : EOS;
        expect(lp[chosen]).toBe(Math.max(...lp));
        logProb += lp[chosen]!;
      }
      expect(out.logProb).toBeCloseTo(logProb, 5);
      expect(out.score).toBe(out.logProb);
      expect(out.lmLog10Prob).toBe(0);
      expect(out.attention.length).toBe(steps);
      expect(out.attention.every((row) => row.length === lengths[s])).toBe(true);
      if (!out.finished) expect(out.ids.length).toBe(6);
    }
  });

  it('does not choose </s> before the minimum length, and cuts at the maximum', async () => {
    const eager: ToyLogits = () => [0, 0, 0, 5, 1, 0, 0]; // </s> always most probable
    const session = toySession([2, 5], 7, eager);
    const [short, long] = await greedyDecode(session, { minLength: { ratio: 1, offset: 0 }, maxLength: 10 });
    expect(short).toMatchObject({ ids: [4, 4], finished: true });
    expect(long).toMatchObject({ ids: [4, 4, 4, 4, 4], finished: true });
    const never: ToyLogits = () => [0, 0, 0, -Infinity, 1, 0, 0];
    const [cut] = await greedyDecode(toySession([2], 7, never), { maxLength: 3 });
    expect(cut).toMatchObject({ ids: [4, 4, 4], finished: false });
    expect(cut!.attention.length).toBe(3);
  });

  it('decodes an empty source where the session allows one (attention rows of length 0)', async () => {
    // seq2seqDecoderSession itself rejects empty sources (EmptyInputError); a session that accepts them works.
    const session = toySession([0, 2], 7, randomLogits(7, 4));
    const [empty] = await greedyDecode(session, { maxLength: 4 });
    expect(empty!.attention.every((row) => row.length === 0)).toBe(true);
    const [list] = await beamSearch(session, { beamSize: 2, nBest: 2, maxLength: 4, beta: 1 });
    expect(list!.every((h) => h.attention.every((row) => row.length === 0) && Number.isFinite(h.score))).toBe(true);
  });

  it('does not grow the tensor count across 1,000 decoding steps', async () => {
    const never: ToyLogits = () => [0, 0, 0, -Infinity, 1, 0, 0];
    const session = toySession([2, 3, 1], 7, never);
    await greedyDecode(session, { maxLength: 2 });
    const before = tf.memory().numTensors;
    const outputs = await greedyDecode(session, { maxLength: 1000 });
    expect(outputs.map((o) => o.ids.length)).toEqual([1000, 1000, 1000]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('greedyDecode options', () => {
  const session = toySession([2], 7, () => [0, 0, 0, 0, 0, 0, 0]);
  it.each([
    [{ maxLength: 2, minLength: 3 }, 'options.maxLength'],
    [{ maxLength: -1 }, 'options.maxLength'],
    [{ minLength: { ratio: 1 } }, 'options.minLength.offset'],
    [{ maxLenght: 3 }, 'options.maxLenght'],
  ])('rejects %o naming %s', async (options, argument) => {
    const error = await greedyDecode(session, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(argument);
  });

  it('says which source makes the maximum fall below the minimum', async () => {
    const error = await greedyDecode(toySession([1, 6], 7, () => []), { minLength: { ratio: 1, offset: 0 }, maxLength: 4 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatchInlineSnapshot(`"@nlpkit/seq2seq: options.maxLength must be at least options.minLength (6 for source 1, of length 6), got 4"`);
  });

  it('rejects what is not a session', async () => {
    const error = await greedyDecode({} as never).catch((e: unknown) => e);
    expect((error as InvalidArgumentError).argument).toBe('session');
  });
});
