import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { allPaths, pathScore } from '../../test/tagging/crfBruteForce.js';
import { checkTagSequence, crfConstraints } from './crfConstraints.js';
import { argmaxPath, viterbiDecode, viterbiPath } from './viterbi.js';

const IOBES = ['O', 'B-PER', 'I-PER', 'E-PER', 'S-PER', 'B-LOC', 'I-LOC', 'E-LOC', 'S-LOC'];

function randomScores(seed: number, T: number, K: number, scale = 1) {
  const rng = createRng(seed);
  const r = (): number => scale * rng.normal();
  return {
    emissions: Array.from({ length: T }, () => Array.from({ length: K }, r)),
    trans: Array.from({ length: K }, () => Array.from({ length: K }, r)),
    start: Array.from({ length: K }, r),
    end: Array.from({ length: K }, r),
  };
}

const asScores = (s: ReturnType<typeof randomScores>) => ({
  numTags: s.start.length,
  transitions: Float64Array.from(s.trans.flat()),
  start: Float64Array.from(s.start),
  end: Float64Array.from(s.end),
});

it('viterbiPath finds the best path of exhaustive search (unconstrained and IOB2-constrained)', () => {
  const tags = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
  const c = crfConstraints(tags, 'IOB2');
  for (let seed = 0; seed < 40; seed++) {
    const T = 1 + (seed % 5);
    const s = randomScores(seed, T, tags.length, 2);
    for (const constraints of [undefined, c]) {
      const scored = allPaths(tags.length, T).map((p) => ({ p, v: pathScore(p, s.emissions, s.trans, s.start, s.end, constraints) }));
      const best = scored.reduce((a, b) => (b.v > a.v ? b : a));
      const path = viterbiPath(asScores(s), s.emissions.flat(), T, constraints);
      expect(pathScore(path, s.emissions, s.trans, s.start, s.end, constraints)).toBeCloseTo(best.v, 9);
      expect(path).toEqual(best.p);
    }
  }
  expect(viterbiPath(asScores(randomScores(1, 1, 5)), [], 0)).toEqual([]);
});

it('viterbiPath equals exhaustive search under the constraints of every scheme (IOB1, IOB2, IOE1, IOE2, IOBES, BILOU)', () => {
  const sets = [
    [['O', 'B-A', 'I-A', 'B-B', 'I-B'], ['IOB1', 'IOB2']],
    [['O', 'I-A', 'E-A', 'I-B', 'E-B'], ['IOE1', 'IOE2']],
    [['O', 'B-A', 'I-A', 'E-A', 'S-A'], ['IOBES']],
    [['O', 'B-A', 'I-A', 'L-A', 'U-A'], ['BILOU']],
  ] as const;
  for (const [tags, schemes] of sets) {
    for (const scheme of schemes) {
      const c = crfConstraints(tags, scheme);
      for (let seed = 0; seed < 12; seed++) {
        const T = 1 + (seed % 4);
        const s = randomScores(100 + seed, T, tags.length, 3);
        const scored = allPaths(tags.length, T).map((p) => ({ p, v: pathScore(p, s.emissions, s.trans, s.start, s.end, c) }));
        const best = scored.reduce((a, b) => (b.v > a.v ? b : a));
        const path = viterbiPath(asScores(s), s.emissions.flat(), T, c);
        expect(path, `${scheme} seed ${seed}`).toEqual(best.p);
        checkTagSequence(path, c, tags, 'path');
      }
    }
  }
});

it('constrained Viterbi never emits a sequence the scheme forbids, whatever the scores (IOBES and IOB2)', () => {
  for (const [tags, scheme] of [[IOBES, 'IOBES'], [['O', 'B-A', 'I-A', 'B-B', 'I-B'], 'IOB2']] as const) {
    const c = crfConstraints(tags, scheme);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 12 }), (seed, T) => {
        const s = randomScores(seed, T, tags.length, 5);
        const path = viterbiPath(asScores(s), s.emissions.flat(), T, c);
        expect(path).toHaveLength(T);
        checkTagSequence(path, c, tags, 'path');
      }),
      { numRuns: 300 },
    );
  }
});

describeBackends('viterbiDecode', () => {
  it('decodes each row of a padded batch up to its length, as viterbiPath on that row', () => {
    const K = IOBES.length;
    const c = crfConstraints(IOBES, 'IOBES');
    const s = randomScores(5, 6, K, 3);
    const rows = [randomScores(11, 6, K, 3).emissions, randomScores(12, 6, K, 3).emissions];
    const params = { transitions: tf.tensor2d(s.trans), start: tf.tensor1d(s.start), end: tf.tensor1d(s.end) };
    const em = tf.tensor3d(rows);
    const decoded = viterbiDecode(params, em, [6, 3], c);
    expect(decoded).toHaveLength(2);
    expect(decoded[1]).toHaveLength(3);
    const host = { numTags: K, transitions: params.transitions.dataSync(), start: params.start.dataSync(), end: params.end.dataSync() };
    expect(decoded[0]).toEqual(viterbiPath(host as never, em.dataSync().subarray(0, 6 * K), 6, c));
    expect(decoded[1]).toEqual(viterbiPath(host as never, em.dataSync().subarray(6 * K, 9 * K), 3, c));
    tf.dispose([params.transitions, params.start, params.end, em]);
  });
});

it('argmaxPath is viterbiPath with zero transition, start and end scores (ties to the lowest tag id)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1000 }), (T, K, seed) => {
      const rng = createRng(seed);
      // Few distinct values, so ties are common.
      const emissions = Float32Array.from({ length: T * K }, () => Math.floor(rng.next() * 3) - 1.5);
      const zero = { numTags: K, transitions: new Float64Array(K * K), start: new Float64Array(K), end: new Float64Array(K) };
      expect(argmaxPath(emissions, T, K)).toEqual(viterbiPath(zero, emissions, T));
    }),
  );
});
