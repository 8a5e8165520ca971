import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '@nlpkit/core';
import { affine } from '@nlpkit/tensor';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { clipGradients } from './clipGradients.js';
import { crossEntropy } from './crossEntropy.js';
import { adagrad } from './optimizers/adagrad.js';
import { adam } from './optimizers/adam.js';
import type { Optimizer } from './optimizers/optimizer.js';
import { sgd } from './optimizers/sgd.js';
import { flattenParams, unflattenParams } from './paramTree.js';
import { zarembaLr } from './schedules.js';
import { trainLoop, type LoopState } from './trainLoop.js';
import { trainStep } from './trainStep.js';

/**
 * A tiny two-layer softmax classifier with input dropout drawn from the rng, whose batches are a pure function
 * of the step (so resumes can be exact): the model-free part of a training step, as any model package uses it.
 */
function setup(seed: number, dropout = 0.2) {
  const rng = createRng(seed);
  const [D, H, V] = [5, 6, 7];
  const u = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 0.6 * rng.next() - 0.3), shape);
  const tree = { hidden: { w: u([D, H]), b: u([H]) }, output: { w: u([H, V]), b: u([V]) } };
  const vars = Object.fromEntries(Object.entries(flattenParams(tree)).map(([k, t]) => [k, tf.variable(t)])) as Record<string, Variable>;
  tf.dispose(Object.values(flattenParams(tree)));
  const params = unflattenParams(tree, vars);
  const batch = (step: number): [Tensor2D, Tensor1D] => [
    tf.tensor2d(Array.from({ length: 4 * D }, (_, i) => Math.sin(step * 0.7 + i)), [4, D]),
    tf.tensor1d(Array.from({ length: 4 }, (_, i) => (step * 3 + i * 5) % V), 'int32'),
  ];
  const loss = (x: Tensor2D, y: Tensor1D, r: Rng | undefined) => () => {
    const kept = r === undefined ? x : tf.mul(x, tf.tensor2d(Array.from({ length: x.size }, () => (r.next() < dropout ? 0 : 1 / (1 - dropout))), x.shape));
    const h = tf.tanh(affine(kept as Tensor2D, params.hidden.w as Tensor2D, params.hidden.b as Tensor1D));
    return crossEntropy(affine(h, params.output.w as Tensor2D, params.output.b as Tensor1D), y, { labelSmoothing: 0.1 });
  };
  const step = (opt: Optimizer, k: number) => {
    const [x, y] = batch(k);
    const r = trainStep(vars, loss(x, y, dropout > 0 ? rng : undefined), opt, 0.5, { maxNorm: 1, maxValue: 5 });
    tf.dispose([x, y]);
    return r;
  };
  const dispose = () => Object.values(vars).forEach((v) => v.dispose());
  return { rng, vars, step, dispose };
}

describeBackends('training', () => {
  it('crossEntropy equals −Σ q log softmax with mask and label smoothing, value and gradient', () => {
    tf.tidy(() => {
      const rng = createRng(2);
      const logits = tf.tensor2d(Array.from({ length: 12 }, () => 3 * rng.normal()), [3, 4]);
      const targets = tf.tensor1d([2, 0, 3], 'int32');
      const mask = tf.tensor1d([1, 0, 1]);
      const eps = 0.2;
      const naive = (l: Tensor) => {
        const q = tf.add(tf.mul(tf.cast(tf.oneHot(targets, 4), 'float32'), 1 - eps), eps / 4);
        const rows = tf.neg(tf.sum(tf.mul(q, tf.logSoftmax(l as Tensor2D)), 1));
        return tf.div(tf.sum(tf.mul(rows, mask)), tf.sum(mask)) as tf.Scalar;
      };
      const ours = (l: Tensor) => crossEntropy(l as Tensor2D, targets as Tensor1D, { mask, labelSmoothing: eps });
      expectClose(ours(logits), naive(logits), { atol: 1e-6 });
      expectClose(tf.grad(ours)(logits), tf.grad(naive)(logits), { atol: 1e-6 });
      // Without a mask every row counts (the scalar-scale gradient path).
      const unmasked = (l: Tensor) => crossEntropy(l as Tensor2D, targets as Tensor1D, { labelSmoothing: eps });
      const allRows = (l: Tensor) => crossEntropy(l as Tensor2D, targets as Tensor1D, { labelSmoothing: eps, mask: tf.ones([3]) as Tensor1D });
      expectClose(unmasked(logits), allRows(logits), { atol: 1e-6 });
      expectClose(tf.grad(unmasked)(logits), tf.grad(allRows)(logits), { atol: 1e-6 });
    });
  });

  it('SGD with momentum, Adagrad and Adam follow their update rules', () => {
    const p = { w: tf.variable(tf.tensor1d([1, -2])) };
    const g = { w: tf.tensor1d([0.5, 1]) };
    const opt = sgd({ momentum: 0.9 });
    opt.apply(p, g, 0.1);
    opt.apply(p, g, 0.1);
    // v1 = g, v2 = 0.9g + g = 1.9g; w = w0 − 0.1·(g + 1.9g)
    expectClose(p.w, [1 - 0.1 * 2.9 * 0.5, -2 - 0.1 * 2.9], { atol: 1e-6 });
    const q = { w: tf.variable(tf.tensor1d([1, -2])) };
    const ad = adam();
    ad.apply(q, g, 0.01);
    // Adam's bias-corrected first step moves every weight by lr·sign(g).
    expectClose(q.w, [0.99, -2.01], { atol: 1e-6 });
    const r = { w: tf.variable(tf.tensor1d([1, -2])) };
    const ag = adagrad({ initialAccumulator: 0.1, epsilon: 0 });
    ag.apply(r, g, 0.1);
    expectClose(r.w, [1 - (0.1 * 0.5) / Math.sqrt(0.1 + 0.25), -2 - 0.1 / Math.sqrt(1.1)], { atol: 1e-6 });
    for (const o of [opt, ad, ag]) o.dispose();
    tf.dispose([p.w, q.w, r.w, g.w]);
  });

  it('optimizer state round-trips through state()/loadState() and dispose frees every slot', () => {
    const w = tf.variable(tf.ones([3]));
    const g = tf.tensor1d([0.5, -1, 2]);
    const before = tf.memory().numTensors;
    const a = adam();
    a.apply({ w }, { w: g }, 0.1);
    const b = adam();
    b.loadState(a.state());
    expect(Array.from(b.state()['w.m']?.dataSync() ?? [])).toEqual(Array.from(a.state()['w.m']?.dataSync() ?? []));
    expect(b.state()['step']?.dataSync()[0]).toBe(1);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, g]);
  });

  it('a NaN gradient skips the step, leaves the weights and the step count alone and is reported', async () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const opt = sgd();
    const r = trainStep({ w }, () => tf.sum(tf.mul(w, tf.tensor1d([NaN, 1]))) as tf.Scalar, opt, 1);
    expect(r.skipped.dataSync()[0]).toBe(1);
    expect(await r.read()).toMatchObject({ skipped: true });
    expectClose(w, [1, 2], { atol: 0 });
    // A skipped step does not count: the optimizer's step stays 0.
    expect(opt.state()['step']?.dataSync()[0]).toBe(0);
    opt.dispose();
    w.dispose();
  });

  it('a NaN gradient leaves a matrix and every optimizer slot alone (sgd with momentum, adagrad, adam)', async () => {
    for (const opt of [sgd({ momentum: 0.9 }), adagrad(), adam()]) {
      const w = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
      // One good step fills the slots, then a NaN step must change nothing.
      trainStep({ w }, () => tf.sum(tf.mul(w, w)) as tf.Scalar, opt, 0.1).dispose();
      const before = Object.fromEntries(Object.entries(opt.state()).map(([k, t]) => [k, Array.from(t.dataSync())]));
      const wBefore = Array.from(w.dataSync());
      const r = trainStep({ w }, () => tf.sum(tf.mul(w, tf.tensor2d([[NaN, 1], [1, 1]]))) as tf.Scalar, opt, 0.1);
      expect(await r.read(), opt.kind).toMatchObject({ skipped: true });
      expect(Array.from(w.dataSync()), opt.kind).toEqual(wBefore);
      const after = Object.fromEntries(Object.entries(opt.state()).map(([k, t]) => [k, Array.from(t.dataSync())]));
      expect(after, opt.kind).toEqual(before);
      opt.dispose();
      w.dispose();
    }
  });

  it('the masked update (what trainStep runs on GPU backends) equals the plain one when true and changes nothing when false', () => {
    for (const make of [() => sgd({ momentum: 0.9 }), () => adagrad(), () => adam()]) {
      const plain = make();
      const masked = make();
      const wPlain = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
      const wMasked = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
      const g = tf.tensor2d([[0.5, -1], [2, 0.25]]);
      const yes = tf.scalar(true, 'bool');
      const no = tf.scalar(false, 'bool');
      for (let k = 0; k < 3; k += 1) {
        plain.apply({ w: wPlain }, { w: g }, 0.1);
        masked.apply({ w: wMasked }, { w: g }, 0.1, yes);
        masked.apply({ w: wMasked }, { w: tf.mul(g, NaN) as tf.Tensor2D }, 0.1, no);
      }
      expect(Array.from(wMasked.dataSync()), plain.kind).toEqual(Array.from(wPlain.dataSync()));
      const state = (o: typeof plain) => Object.fromEntries(Object.entries(o.state()).map(([k, t]) => [k, Array.from(t.dataSync())]));
      expect(state(masked), plain.kind).toEqual(state(plain));
      tf.dispose([wPlain, wMasked, g, yes, no]);
      plain.dispose();
      masked.dispose();
    }
  });

  it('tf.memory().numTensors is the same after 1,000 training steps as after the first', () => {
    const m = setup(1, 0);
    const opt = sgd({ momentum: 0.9 });
    m.step(opt, 0).dispose();
    const after1 = tf.memory().numTensors;
    for (let k = 1; k < 999; k += 1) m.step(opt, k).dispose();
    expect(tf.memory().numTensors).toBe(after1);
    const last = m.step(opt, 999);
    expect(last.skipped.dataSync()[0]).toBe(0);
    last.dispose();
    expect(tf.memory().numTensors).toBe(after1);
    opt.dispose();
    m.dispose();
  });

  it('checkpoint at step 5, restore into fresh state, continue: bit-identical to an uninterrupted run', async () => {
    const straight = setup(3);
    const opt1 = adam();
    for (let k = 0; k < 8; k += 1) straight.step(opt1, k).dispose();
    const expected = Object.fromEntries(Object.entries(straight.vars).map(([k, v]) => [k, Array.from(v.dataSync())]));

    const first = setup(3);
    const opt2 = adam();
    let bytes: Uint8Array | undefined;
    // The run is cancelled right after its first checkpoint, as a user pressing Ctrl-C would.
    const ac = new AbortController();
    await trainLoop({
      epochs: 1, stepsPerEpoch: 8, checkpointEvery: 5,
      step: ({ step }) => first.step(opt2, step),
      checkpoint: (state) => {
        bytes = encodeCheckpoint({ params: first.vars, optimizer: opt2.state(), optimizerKind: opt2.kind, rng: first.rng.getState(), loop: state });
        ac.abort();
      },
      signal: ac.signal,
    }).then((r) => expect(r.stopped).toBe('aborted'));
    const resumed = setup(99);
    const ck = decodeCheckpoint(bytes as Uint8Array);
    for (const [k, v] of Object.entries(resumed.vars)) v.assign(ck.params[k] as Tensor);
    const opt3 = adam();
    opt3.loadState(ck.optimizer);
    resumed.rng.setState(ck.rng as ReturnType<typeof resumed.rng.getState>);
    const loop = ck.loop as LoopState;
    expect(loop.step).toBe(5);
    const result = await trainLoop({ epochs: 1, stepsPerEpoch: 8, resume: loop, step: ({ step }) => resumed.step(opt3, step) });
    expect(result.state.step).toBe(8);
    for (const [k, v] of Object.entries(resumed.vars)) expect(Array.from(v.dataSync()), k).toEqual(expected[k]);
    tf.dispose([...Object.values(ck.params), ...Object.values(ck.optimizer)]);
    for (const o of [opt1, opt2, opt3]) o.dispose();
    for (const s of [straight, first, resumed]) s.dispose();
  });
});

describe('training loop and helpers (backend-independent)', () => {
  it('global-norm clipping: the norm never exceeds the threshold and directions are kept', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }), fc.float({ min: Math.fround(0.1), max: 10, noNaN: true }), (values, maxNorm) => {
        tf.tidy(() => {
          const g = { a: tf.tensor1d(values) };
          const r = clipGradients(g, { maxNorm });
          const norm = Math.hypot(...values);
          expect(r.norm.dataSync()[0]).toBeCloseTo(norm, 2);
          expect(r.finite.dataSync()[0]).toBe(1);
          const out = Array.from(r.grads['a']?.dataSync() ?? []);
          const scale = norm >= maxNorm && norm > 0 ? maxNorm / norm : 1;
          out.forEach((v, i) => expect(v).toBeCloseTo((values[i] as number) * scale, 3));
        });
      }),
      { numRuns: 50 },
    );
    tf.tidy(() => {
      const r = clipGradients({ a: tf.tensor1d([-7, 0.5, 9]) }, { maxValue: 1 });
      expect(Array.from(r.grads['a']?.dataSync() ?? [])).toEqual([-1, 0.5, 1]);
      expect(clipGradients({ a: tf.tensor1d([1, Infinity]) }, { maxNorm: 1 }).finite.dataSync()[0]).toBe(0);
    });
  });

  it("Zaremba's schedule: constant for 4 epochs, then halves each epoch", () => {
    const lr = zarembaLr(1, 4, 0.5);
    expect([0, 1, 2, 3, 4, 5, 6].map((epoch) => lr({ epoch, step: 0 }))).toEqual([1, 1, 1, 1, 0.5, 0.25, 0.125]);
  });

  it('early stopping after `patience` evaluations without improvement, with progress events', async () => {
    const metrics = [5, 4, 4.5, 4.2, 3];
    const events: string[] = [];
    const r = await trainLoop({
      epochs: 5, stepsPerEpoch: 2, patience: 2,
      step: () => ({ loss: 1, gradNorm: 1, skipped: false }),
      evaluate: (epoch) => metrics[epoch] as number,
      onProgress: (e) => events.push(e.type),
    });
    // Plain step results are summed like device ones: one 'log' per epoch here (logEvery 50 > 2 steps).
    expect(events.filter((e) => e === 'log')).toHaveLength(4);
    expect(r.stopped).toBe('early-stopped');
    expect(r.state).toMatchObject({ epoch: 4, step: 8, best: 4, badEvaluations: 2 });
    expect(events.filter((e) => e === 'evaluate')).toHaveLength(4);
  });
});
