import { InvalidArgumentError, UnknownNameError } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { beamSearch } from './beamSearch.js';
import type { DecodedSequence } from './decodedSequence.js';
import { greedyDecode } from './greedyDecode.js';
import { coveragePenalty, lengthPenalty } from './penalties.js';
import { BOS, EOS, UNK, randomLogits, stepLogProbs, toySession, type ToyLogits } from './toySessions.test.support.js';

const V = 7; // <pad> <unk> <s> </s> a b c
const A = 4;
const B = 5;
const C = 6;

/** A model where greedy is suboptimal: `a` first (0.6), but after `a` nothing is likely; after `b`, `</s>` (0.99). */
const trap: ToyLogits = (_source, step, previous) => {
  const p = new Array<number>(V).fill(-Infinity);
  if (step === 0) {
    p[A] = Math.log(0.6);
    p[B] = Math.log(0.4);
  } else if (previous === A) {
    p[A] = p[B] = p[C] = p[EOS] = Math.log(0.25);
  } else {
    p[EOS] = Math.log(0.99);
    p[C] = Math.log(0.01);
  }
  return p;
};

/** Every output of at most `maxLength` tokens with its model log-probability, by brute force through the session. */
async function exhaustive(logits: ToyLogits, sourceLength: number, maxLength: number, ngram = 0): Promise<{ ids: number[]; finished: boolean; logProb: number }[]> {
  const session = toySession([sourceLength], V, logits);
  const out: { ids: number[]; finished: boolean; logProb: number }[] = [];
  const walk = async (ids: number[], logProb: number): Promise<void> => {
    if (ids.length === maxLength) {
      out.push({ ids, finished: false, logProb });
      return;
    }
    const lp = await stepLogProbs(session, 0, ids);
    if (lp[EOS]! > -Infinity) out.push({ ids, finished: true, logProb: logProb + lp[EOS]! });
    for (const v of [UNK, A, B, C]) {
      const next = [...ids, v];
      if (ngram > 0 && repeatsNgram(next, ngram)) continue;
      if (lp[v]! > -Infinity) await walk(next, logProb + lp[v]!);
    }
  };
  await walk([], 0);
  return out.sort((x, y) => y.logProb - x.logProb);
}

function repeatsNgram(ids: readonly number[], n: number): boolean {
  const seen = new Set<string>();
  for (let i = 0; i + n <= ids.length; i++) {
    const key = ids.slice(i, i + n).join(',');
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

const strip = (h: DecodedSequence) => ({ ids: h.ids, finished: h.finished, logProb: h.logProb, score: h.score });

describeBackends('beamSearch', () => {
  it('with beam 1 is greedy decoding (ids, scores, attention), on random models', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const session = toySession([3, 5, 1, 4], 9, randomLogits(9, seed));
      const greedy = await greedyDecode(session, { maxLength: 8, minLength: 1 });
      const beam = await beamSearch(session, { beamSize: 1, maxLength: 8, minLength: 1 });
      expect(beam.map((list) => list.length)).toEqual([1, 1, 1, 1]);
      expect(beam.map((list) => strip(list[0]!))).toEqual(greedy.map(strip));
      expect(beam.map((list) => list[0]!.attention)).toEqual(greedy.map((g) => g.attention));
    }
  });

  it('batches all sources into one step call and gives each source what it gets alone', async () => {
    const lengths = [3, 5, 1, 4, 2];
    const logits = randomLogits(9, 11);
    const calls = { steps: 0, maxRows: 0 };
    const batched = await beamSearch(toySession(lengths, 9, logits, calls), { beamSize: 3, nBest: 3, maxLength: 7 });
    expect(calls.maxRows).toBeGreaterThan(3);
    for (let s = 0; s < lengths.length; s++) {
      // The same source alone: a session of one source whose logits see that source's index.
      const alone = await beamSearch(toySession([lengths[s]!], 9, (_src, step, prev) => logits(s, step, prev)), {
        beamSize: 3,
        nBest: 3,
        maxLength: 7,
      });
      expect(batched[s]!.map(strip)).toEqual(alone[0]!.map(strip));
      expect(batched[s]!.map((h) => h.attention)).toEqual(alone[0]!.map((h) => h.attention));
    }
  });

  it('finds a better-scoring output than greedy where greedy is suboptimal', async () => {
    const session = toySession([2], V, trap);
    const [greedy] = await greedyDecode(session, { maxLength: 3 });
    const [beam] = await beamSearch(session, { beamSize: 2, maxLength: 3 });
    expect(greedy!.ids[0]).toBe(A);
    expect(beam![0]!.ids).toEqual([B]);
    expect(beam![0]!.logProb).toBeCloseTo(Math.log(0.4 * 0.99), 5);
    expect(beam![0]!.logProb).toBeGreaterThan(greedy!.logProb);
  });

  it('with a beam wide enough equals exhaustive search (n-best lists, scores)', async () => {
    for (const seed of [5, 6, 7]) {
      const logits = randomLogits(V, seed, 0.3);
      const all = await exhaustive(logits, 3, 4);
      const [beam] = await beamSearch(toySession([3], V, logits), { beamSize: 81, nBest: 10, maxLength: 4 });
      expect(beam!.map((h) => h.ids)).toEqual(all.slice(0, 10).map((h) => h.ids));
      expect(beam!.map((h) => h.finished)).toEqual(all.slice(0, 10).map((h) => h.finished));
      for (let i = 0; i < 10; i++) expect(beam![i]!.logProb).toBeCloseTo(all[i]!.logProb, 4);
    }
  });

  it('blocks repeated n-grams: never emits one, and equals exhaustive search over the outputs without one', async () => {
    // A model that loves repeating itself: "a b a b ..." unless blocked.
    const loop: ToyLogits = (_s, step, previous) => {
      const p = [0, 0, 0, -3 + step * 0.2, 0, 0, -2];
      p[previous === A ? B : A] = 3;
      return p;
    };
    for (const n of [1, 2, 3]) {
      const [beam] = await beamSearch(toySession([4], V, loop), { beamSize: 4, nBest: 4, maxLength: 8, noRepeatNgramSize: n });
      for (const h of beam!) expect(repeatsNgram(h.ids, n)).toBe(false);
      const all = await exhaustive(loop, 4, 5, n);
      const [wide] = await beamSearch(toySession([4], V, loop), { beamSize: 200, nBest: 5, maxLength: 5, noRepeatNgramSize: n });
      expect(wide!.map((h) => h.ids)).toEqual(all.slice(0, 5).map((h) => h.ids));
    }
    const [unblocked] = await beamSearch(toySession([4], V, loop), { beamSize: 4, maxLength: 6 });
    expect(repeatsNgram(unblocked![0]!.ids, 2)).toBe(true);
  });

  it('ranks finished hypotheses by the length penalty formulas', async () => {
    // Short output "a </s>" (p = 0.5 · 0.5) against longer ones through b (b b b b </s>: 0.5 · 0.6³ · 1).
    const logits: ToyLogits = (_s, step, previous) => {
      const p = new Array<number>(V).fill(-Infinity);
      if (step === 0) p[A] = p[B] = Math.log(0.5);
      else if (previous === A) p[EOS] = p[C] = Math.log(0.5);
      else if (step < 4) {
        p[B] = Math.log(0.6);
        p[EOS] = Math.log(0.4);
      } else p[EOS] = 0;
      return p;
    };
    const results: Record<string, DecodedSequence[]> = {};
    for (const lengthPenaltyKind of ['none', 'gnmt', 'average'] as const) {
      const [list] = await beamSearch(toySession([3], V, logits), {
        beamSize: 6,
        nBest: 6,
        maxLength: 6,
        lengthPenalty: lengthPenaltyKind,
        alpha: 1,
      });
      results[lengthPenaltyKind] = list!;
      for (const h of list!) {
        const steps = h.ids.length + (h.finished ? 1 : 0);
        expect(h.score).toBeCloseTo(h.logProb / lengthPenalty(lengthPenaltyKind, 1, steps), 6);
      }
      const scores = list!.map((h) => h.score);
      expect(scores).toEqual([...scores].sort((x, y) => y - x));
    }
    expect(results['none']![0]!.ids).toEqual([A]); // ln 0.25 = -1.386 beats ln 0.108 = -2.226
    expect(results['gnmt']![0]!.ids).toEqual([A]); // -1.386 / (7/6) = -1.188 beats -2.226 / (10/6) = -1.335
    expect(results['average']![0]!.ids).toEqual([B, B, B, B]); // -2.226 / 5 = -0.445 beats -1.386 / 2 = -0.693
    expect(lengthPenalty('gnmt', 0.6, 4)).toBeCloseTo((9 / 6) ** 0.6, 12);
    expect(lengthPenalty('average', 0.6, 0)).toBe(1);
  });

  it('applies the coverage penalty from the summed attention', async () => {
    const [list] = await beamSearch(toySession([4], V, randomLogits(V, 3)), { beamSize: 3, nBest: 3, maxLength: 5, beta: 0.4 });
    for (const h of list!) {
      const coverage = new Float64Array(4);
      for (const row of h.attention) row.forEach((a, i) => (coverage[i] = coverage[i]! + a));
      expect(h.score).toBeCloseTo(h.logProb + coveragePenalty(0.4, coverage), 5);
      expect(h.attention.length).toBe(h.ids.length + (h.finished ? 1 : 0));
      for (const row of h.attention) expect(row.length).toBe(4);
    }
    expect(coveragePenalty(0.5, [2, 1, 0.5])).toBeCloseTo(0.5 * Math.log(0.5), 12);
  });

  it('honours minimum and maximum lengths given as ratio · |src| + offset', async () => {
    const lengths = [1, 3, 5];
    const results = await beamSearch(toySession(lengths, 9, randomLogits(9, 8, 3)), {
      beamSize: 3,
      nBest: 2,
      minLength: { ratio: 1, offset: 0 },
      maxLength: { ratio: 1, offset: 2 },
    });
    results.forEach((list, s) => {
      for (const h of list) {
        expect(h.ids.length).toBeGreaterThanOrEqual(lengths[s]!);
        expect(h.ids.length).toBeLessThanOrEqual(lengths[s]! + 2);
        if (!h.finished) expect(h.ids.length).toBe(lengths[s]! + 2);
      }
    });
  });

  it('stops when its signal is aborted, freeing every tensor', async () => {
    const controller = new AbortController();
    const aborting: ToyLogits = (_s, step) => {
      if (step === 5) controller.abort(new Error('enough'));
      return [0, 0, 0, -Infinity, 1, 0.5, 0.2];
    };
    const before = tf.memory().numTensors;
    const error = await beamSearch(toySession([2, 3], V, aborting), { beamSize: 3, maxLength: 50, signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('enough');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('does not grow the tensor count across 1,000 decoding steps', async () => {
    const never: ToyLogits = () => [0, 0, 0, -Infinity, 1, 0.5, 0.2, 0.1, 0];
    const session = toySession([2, 3], 9, never);
    await beamSearch(session, { beamSize: 2, maxLength: 3 }); // warm up kernels
    const before = tf.memory().numTensors;
    const [list] = await beamSearch(session, { beamSize: 3, maxLength: 1000, noRepeatNgramSize: 0 });
    expect(list![0]!.ids.length).toBe(1000);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('beamSearch options', () => {
  const session = toySession([2], V, trap);
  it.each([
    [{ beamSize: 0 }, 'options.beamSize'],
    [{ beamSize: 2.5 }, 'options.beamSize'],
    [{ beamSize: 2, nBest: 3 }, 'options.nBest'],
    [{ maxLength: 2, minLength: 3 }, 'options.maxLength'],
    [{ maxLength: { ratio: 1, offset: 0 }, minLength: 3 }, 'options.maxLength'],
    [{ alpha: -1 }, 'options.alpha'],
    [{ beta: Number.NaN }, 'options.beta'],
    [{ noRepeatNgramSize: -1 }, 'options.noRepeatNgramSize'],
    [{ beamWidth: 3 }, 'options.beamWidth'],
  ])('rejects %o naming %s', async (options, argument) => {
    const error = await beamSearch(session, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(argument);
  });

  it('names the length penalty it does not know', async () => {
    const error = await beamSearch(session, { lengthPenalty: 'wu' as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownNameError);
    expect((error as Error).message).toMatchInlineSnapshot(`"@nlpkit/seq2seq: options.lengthPenalty must be one of none, gnmt, average, got "wu""`);
  });

  it('returns the last open hypotheses, unfinished, when blocking leaves no token to extend them', async () => {
    // Three words, none may repeat, </s> forbidden before 5 tokens: every hypothesis is stuck after 3 (or 4 with <unk>).
    const [list] = await beamSearch(toySession([2], V, randomLogits(V, 2)), { beamSize: 3, nBest: 2, maxLength: 9, minLength: 5, noRepeatNgramSize: 1 });
    expect(list!.length).toBe(2);
    for (const h of list!) {
      expect(h.finished).toBe(false);
      expect(new Set(h.ids).size).toBe(h.ids.length);
      expect(h.ids.length).toBe(4);
    }
  });

  it('returns one empty unfinished hypothesis when the maximum length is 0', async () => {
    const [list] = await beamSearch(session, { maxLength: 0, beamSize: 3, nBest: 2 });
    expect(list).toEqual([{ ids: [], finished: false, logProb: 0, lmLog10Prob: 0, score: 0, attention: [] }]);
    expect(BOS).toBe(2);
  });
});
