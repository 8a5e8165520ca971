import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { allPaths, logSumExp, pathScore } from '../../test/tagging/crfBruteForce.js';
import { RnnLengthError, RnnOptionError, RnnShapeError } from '../errors.js';
import { crfLogLikelihood, initCrf, type CrfParams } from './crf.js';
import { crfConstraints } from './crfConstraints.js';

const TAGS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];

/** Random scores as nested arrays (host reference) and as CRF tensors. */
function tinyCase(seed: number, B: number, T: number, K: number) {
  const rng = createRng(seed);
  const r = (): number => rng.normal();
  const emissions = Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: K }, r)));
  const trans = Array.from({ length: K }, () => Array.from({ length: K }, r));
  const start = Array.from({ length: K }, r);
  const end = Array.from({ length: K }, r);
  const params: CrfParams = { transitions: tf.tensor2d(trans), start: tf.tensor1d(start), end: tf.tensor1d(end) };
  return { emissions, trans, start, end, params, em: tf.tensor3d(emissions) };
}

describeBackends('crfLogLikelihood', () => {
  it('equals the brute-force log-likelihood over every path (batched, padded rows, with and without constraints)', () => {
    const K = TAGS.length;
    const c = crfConstraints(TAGS, 'IOB2');
    const { emissions, trans, start, end, params, em } = tinyCase(7, 3, 4, K);
    const lengths = [4, 1, 3];
    const gold = [[1, 2, 0, 3], [0, 0, 0, 0], [3, 4, 4, 2]]; // row 2 ends with a forbidden I-PER after I-LOC... only with constraints
    for (const constraints of [undefined, c]) {
      const goldRows = constraints === undefined ? gold : [gold[0] as number[], gold[1] as number[], [3, 4, 4, 0]];
      const expected = goldRows.map((g, b) => {
        const len = lengths[b] as number;
        const e = (emissions[b] as number[][]).slice(0, len);
        const z = logSumExp(allPaths(K, len).map((p) => pathScore(p, e, trans, start, end, constraints)));
        return pathScore(g.slice(0, len), e, trans, start, end, constraints) - z;
      });
      const ll = tf.tidy(() => crfLogLikelihood(params, em, goldRows, lengths, constraints));
      expectClose(ll, tf.tensor1d(expected), { atol: 2e-4, rtol: 1e-5 });
      ll.dispose();
    }
    tf.dispose([params.transitions, params.start, params.end, em]);
  });

  it('its gradient matches finite differences and stays finite under constraints', () => {
    const K = 3;
    const tags = ['O', 'B-X', 'I-X'];
    const c = crfConstraints(tags, 'IOB2');
    const { params, em } = tinyCase(3, 2, 3, K);
    const y = [[1, 2, 0], [0, 1, 0]];
    const f = (e: Tensor): tf.Scalar => tf.sum(crfLogLikelihood(params, e as Tensor3D, y, [3, 2], c));
    const g = tf.grad(f)(em);
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    // Row 1 step 2 is padding: no gradient reaches it.
    expect(Array.from(g.dataSync()).slice(15, 18)).toEqual([0, 0, 0]);
    const base = em.arraySync();
    const eps = 1e-2;
    for (const [b, t, k] of [[0, 0, 1], [0, 2, 2], [1, 1, 0]] as const) {
      const plus = structuredClone(base);
      const minus = structuredClone(base);
      (plus[b] as number[][])[t]![k]! += eps;
      (minus[b] as number[][])[t]![k]! -= eps;
      const fd = tf.tidy(() => (f(tf.tensor3d(plus)).dataSync()[0]! - f(tf.tensor3d(minus)).dataSync()[0]!) / (2 * eps));
      expect(Math.abs((g.arraySync() as number[][][])[b]![t]![k]! - fd)).toBeLessThan(2e-2);
    }
    const gt = tf.grads((tr: Tensor, st: Tensor, en: Tensor) =>
      tf.sum(crfLogLikelihood({ transitions: tr as Tensor2D, start: st as Tensor1D, end: en as Tensor1D }, em, y, [3, 2], c)),
    )([params.transitions, params.start, params.end]);
    for (const t of gt) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([...gt, g, params.transitions, params.start, params.end, em]);
  });

  it('over every path the scheme allows the probabilities sum to 1, and forbidden gold paths get -Infinity (IOB2, IOBES, IOE2; T = 1..4)', () => {
    const schemes = [
      [['O', 'B-A', 'I-A'], 'IOB2'],
      [['O', 'B-A', 'I-A', 'E-A', 'S-A'], 'IOBES'],
      [['O', 'I-A', 'E-A'], 'IOE2'],
    ] as const;
    for (const [tags, scheme] of schemes) {
      const K = tags.length;
      const c = crfConstraints(tags, scheme);
      for (let T = 1; T <= 4; T++) {
        const { emissions, trans, start, end, params, em } = tinyCase(10 * T + K, 1, T, K);
        const paths = allPaths(K, T);
        const e = emissions[0] as number[][];
        const allowed = paths.filter((p) => pathScore(p, e, trans, start, end, c) > -Infinity);
        const forbidden = paths.find((p) => pathScore(p, e, trans, start, end, c) === -Infinity);
        // One batch row per allowed path (and one forbidden one, when there is one): log p(path) for each.
        const rows = forbidden === undefined ? allowed : [...allowed, forbidden];
        const ll = tf.tidy(() => crfLogLikelihood(params, tf.tile(em, [rows.length, 1, 1]) as Tensor3D, rows, rows.map(() => T), c));
        const values = Array.from(ll.dataSync());
        const total = values.slice(0, allowed.length).reduce((a, v) => a + Math.exp(v), 0);
        expect(Math.abs(total - 1), `${scheme} T=${T}`).toBeLessThan(1e-4);
        if (forbidden !== undefined) expect(values.at(-1)! < -1e3, `${scheme} T=${T} forbidden`).toBe(true);
        tf.dispose([ll, params.transitions, params.start, params.end, em]);
      }
    }
  });

  it('a batch of one-token rows has a gradient (a training batch of one-word sentences)', () => {
    const { params, em } = tinyCase(2, 3, 1, 3);
    const g = tf.grad((e: Tensor) => tf.sum(crfLogLikelihood(params, e as Tensor3D, [[0], [1], [2]], [1, 1, 1])))(em);
    // d log p / d emission = onehot(gold) - softmax(start + emission + end) for one token.
    const host = em.arraySync();
    const p = [params.start.arraySync(), params.end.arraySync()] as number[][];
    const expected = [0, 1, 2].map((b) => {
      const s = (host[b]![0] as number[]).map((v, k) => v + p[0]![k]! + p[1]![k]!);
      const z = Math.log(s.reduce((a, v) => a + Math.exp(v), 0));
      return [s.map((v, k) => (k === b ? 1 : 0) - Math.exp(v - z))];
    });
    expectClose(g, tf.tensor3d(expected), { atol: 1e-5 });
    tf.dispose([g, params.transitions, params.start, params.end, em]);
  });

  it('refuses empty rows, mismatched shapes and constraints of another tag set, by argument', () => {
    const crf = initCrf(3, createRng(1));
    const em = tf.zeros([2, 3, 3]) as Tensor3D;
    expect(() => crfLogLikelihood(crf, em, [[0, 0, 0], [0, 0, 0]], [3, 0])).toThrow(RnnOptionError);
    expect(() => crfLogLikelihood(crf, em, [[0, 0, 0], [0, 0, 0]], [3, 4])).toThrow(RnnLengthError);
    expect(() => crfLogLikelihood(crf, em, [[0, 0, 0]], [3, 3])).toThrow(RnnShapeError);
    expect(() => crfLogLikelihood(crf, tf.zeros([2, 3, 4]) as Tensor3D, [[0, 0, 0], [0, 0, 0]], [3, 3])).toThrowErrorMatchingInlineSnapshot(
      `[RnnShapeError: @nlpkit/rnn: params.transitions must be of shape [K=4, K=4], got [3, 3]]`,
    );
    expect(() => crfLogLikelihood(crf, em, [[0, 0, 0], [0, 0, 0]], [3, 3], crfConstraints(TAGS, 'IOB2'))).toThrow(/constraints.numTags/);
    tf.dispose([em, crf.transitions, crf.start, crf.end]);
  });
});
