import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/tensor';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adagrad } from './adagrad.js';
import { adam } from './adam.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { clipGradients } from './clipGradients.js';
import { crossEntropy } from './crossEntropy.js';
import { embedding } from './embedding.js';
import { initLanguageModel, languageModel, languageModelLoss, type LanguageModelConfig } from './languageModel.js';
import type { Optimizer } from './optimizer.js';
import { flattenParams, unflattenParams } from './paramTree.js';
import { zarembaLr } from './schedules.js';
import { sgd } from './sgd.js';
import { trainLoop, type LoopState } from './trainLoop.js';
import { trainStep } from './trainStep.js';

const TINY: LanguageModelConfig = { vocabSize: 7, embeddingSize: 4, hiddenSize: 4, layers: 2, tied: true };

/** A tiny LM whose batches are a pure function of the step (so resumes can be exact). */
function setup(seed: number, config: LanguageModelConfig = TINY, dropout = 0.2) {
  const rng = createRng(seed);
  const p0 = initLanguageModel(config, rng, 0.3);
  const vars = Object.fromEntries(Object.entries(flattenParams(p0)).map(([k, t]) => [k, tf.variable(t)])) as Record<string, Variable>;
  const params = unflattenParams(p0, vars);
  const batch = (step: number): [Tensor2D, Tensor2D] => {
    const ids = Array.from({ length: 9 }, (_, i) => (step * 3 + i * 5) % 7);
    return [tf.tensor2d(ids.slice(0, 6), [2, 3], 'int32'), tf.tensor2d(ids.slice(3, 9), [2, 3], 'int32')];
  };
  const step = (opt: Optimizer, k: number) => {
    const [x, y] = batch(k);
    const r = trainStep(vars, () => languageModelLoss(languageModel(config, params, x, { dropout, training: true, rng }).logits, y, 0.1), opt, 0.5, { maxNorm: 1, maxValue: 5 });
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

  it('embedding gradient sums rows of repeated ids', () => {
    tf.tidy(() => {
      const table = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const ids = tf.tensor2d([[2, 0], [2, 2]], [2, 2], 'int32');
      const w = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
      const g = tf.grad((t: Tensor) => tf.sum(tf.mul(embedding(t as Tensor2D, ids), w)))(table);
      expectClose(g, tf.tensor2d([3, 4, 0, 0, 1 + 5 + 7, 2 + 6 + 8], [3, 2]), { atol: 0 });
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

  it('a NaN gradient skips the step, leaves the weights alone and is reported', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const opt = sgd();
    const r = trainStep({ w }, () => tf.sum(tf.mul(w, tf.tensor1d([NaN, 1]))) as tf.Scalar, opt, 1);
    expect(r.skipped).toBe(true);
    expectClose(w, [1, 2], { atol: 0 });
    opt.dispose();
    w.dispose();
  });

  it('tf.memory().numTensors is the same after 1,000 training steps as after the first', () => {
    // One small layer keeps 1,000 steps fast; the rest of the step (clipping, momentum, label smoothing) is as above.
    const m = setup(1, { vocabSize: 7, embeddingSize: 4, hiddenSize: 4, layers: 1 }, 0);
    const opt = sgd({ momentum: 0.9 });
    m.step(opt, 0);
    const after1 = tf.memory().numTensors;
    let last = m.step(opt, 1);
    for (let k = 2; k < 1000; k += 1) last = m.step(opt, k);
    expect(tf.memory().numTensors).toBe(after1);
    expect(last.skipped).toBe(false);
    opt.dispose();
    m.dispose();
  });

  it('checkpoint at step 5, restore into fresh state, continue: bit-identical to an uninterrupted run', async () => {
    const straight = setup(3);
    const opt1 = adam();
    for (let k = 0; k < 8; k += 1) straight.step(opt1, k);
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
          expect(r.norm).toBeCloseTo(norm, 2);
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
    expect(r.stopped).toBe('early-stopped');
    expect(r.state).toMatchObject({ epoch: 4, step: 8, best: 4, badEvaluations: 2 });
    expect(events.filter((e) => e === 'evaluate')).toHaveLength(4);
  });
});
