import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { affine, isHostBackend } from '@nlpkit/tensor';
import { describeBackends } from '@nlpkit/tensor/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { crossEntropy } from './crossEntropy.js';
import { adam } from './optimizers/adam.js';
import { adagrad } from './optimizers/adagrad.js';
import { sgd } from './optimizers/sgd.js';
import type { Optimizer } from './optimizers/optimizer.js';
import { clipGradients } from './clipGradients.js';
import { trainLoop, type TrainEvent } from './trainLoop.js';
import { trainStep } from './trainStep.js';

/** A softmax regression on a fixed batch: the loss must fall as it trains. */
function model() {
  const rng = createRng(5);
  const [N, D, V] = [16, 6, 5];
  const w = tf.variable(tf.zeros([D, V]));
  const b = tf.variable(tf.zeros([V]));
  const x = tf.tensor2d(Float32Array.from({ length: N * D }, () => rng.normal()), [N, D]);
  const y = tf.tensor1d(Array.from({ length: N }, (_, i) => i % V), 'int32');
  const loss = () => crossEntropy(affine(x, w as Tensor2D, b as Tensor1D), y, { labelSmoothing: 0.05 });
  const params: Record<string, Variable> = { w, b };
  return { params, loss, dispose: () => tf.dispose([w, b, x, y]) };
}

/** The sizes of the tensors `dataSync` was called on. */
function readSizes(spy: { mock: { contexts: unknown[] } }): number[] {
  return spy.mock.contexts.map((t) => (t as tf.Tensor).size);
}

describeBackends('trainStep and trainLoop read nothing back on the hot path but the norm and the loss on host backends', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('trainStep (gradients, clipping, an Adam update) reads two numbers a step on host backends, nothing on GPU ones', async () => {
    const m = model();
    const opt = adam();
    const dataSync = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    const arraySync = vi.spyOn(tf.Tensor.prototype, 'arraySync');
    const results = Array.from({ length: 20 }, () => trainStep(m.params, m.loss, opt, 0.1, { maxNorm: 1, maxValue: 10 }));
    // Host backends read the norm and the loss and update unmasked; GPU backends mask on the device.
    expect(readSizes(dataSync)).toEqual(isHostBackend() ? Array<number>(40).fill(1) : []);
    expect(arraySync).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    const values = await Promise.all(results.map((r) => r.read()));
    expect(values.every((v) => !v.skipped && Number.isFinite(v.gradNorm))).toBe(true);
    expect((values[19] as { loss: number }).loss).toBeLessThan((values[0] as { loss: number }).loss * 0.8);
    opt.dispose();
    m.dispose();
  });

  it('trainLoop reads the step results once every logEvery steps, asynchronously, and the logged loss falls', async () => {
    const m = model();
    const opt = adam();
    const dataSync = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    const arraySync = vi.spyOn(tf.Tensor.prototype, 'arraySync');
    const data = vi.spyOn(tf.Tensor.prototype, 'data');
    const events: TrainEvent[] = [];
    const before = tf.memory().numTensors;
    const r = await trainLoop({
      epochs: 2,
      stepsPerEpoch: 30,
      logEvery: 10,
      step: () => trainStep(m.params, m.loss, opt, 0.1, { maxNorm: 5 }),
      onProgress: (e) => events.push(e),
    });
    expect(readSizes(dataSync)).toEqual(isHostBackend() ? Array<number>(120).fill(1) : []);
    expect(arraySync).not.toHaveBeenCalled();
    expect(data).toHaveBeenCalledTimes(6);
    vi.restoreAllMocks();
    expect(r.state).toMatchObject({ step: 60, skipped: 0 });
    const logs = events.flatMap((e) => (e.type === 'log' ? [e] : []));
    expect(logs.map((e) => e.steps)).toEqual([10, 10, 10, 10, 10, 10]);
    expect(logs.map((e) => e.state.step)).toEqual([10, 20, 30, 40, 50, 60]);
    for (let i = 1; i < logs.length; i += 1) expect((logs[i] as { loss: number }).loss).toBeLessThan((logs[i - 1] as { loss: number }).loss);
    // Only the optimizer's slots (m and v per parameter, and the step) are left.
    expect(tf.memory().numTensors).toBe(before + 5);
    opt.dispose();
    m.dispose();
  });
});

describeBackends('trainStep applies norm clipping as clipGradients does', () => {
  it('the same parameters, bit for bit, as clipGradients then the optimizer, for every optimizer and one that does not scale', () => {
    // A custom optimizer (no scalesGradients): plain SGD, the clipped gradients multiplied for it by trainStep.
    const plainSgd = (): Optimizer => ({
      kind: 'plain',
      apply(params, grads, lr) {
        tf.tidy(() => {
          for (const [name, p] of Object.entries(params)) p.assign(tf.sub(p, tf.mul(grads[name] as tf.Tensor, lr)));
        });
      },
      state: () => ({}),
      loadState: () => undefined,
      dispose: () => undefined,
    });
    for (const [name, make] of [['sgd', () => sgd({ momentum: 0.9 })], ['adagrad', () => adagrad()], ['adam', () => adam()], ['custom', plainSgd]] as const) {
      for (const clip of [{ maxNorm: 0.05 }, { maxNorm: 1e6 }, { maxNorm: 0.05, maxValue: 0.02 }, {}]) {
        const a = model();
        const b = model();
        const [optA, optB] = [make(), make()];
        for (let step = 0; step < 4; step += 1) {
          trainStep(a.params, a.loss, optA, 0.3, clip).dispose();
          // The reference: gradients, clipGradients' ops, the optimizer on the clipped gradients.
          tf.tidy(() => {
            const vars = Object.values(b.params);
            const { grads } = tf.variableGrads(b.loss, vars);
            const byName = Object.fromEntries(Object.entries(b.params).map(([k, v]) => [k, grads[v.name] as tf.Tensor]));
            optB.apply(b.params, clipGradients(byName, clip).grads, 0.3);
          });
        }
        for (const key of Object.keys(a.params)) {
          expect(Array.from((a.params[key] as Variable).dataSync()), `${name} ${JSON.stringify(clip)} ${key}`).toEqual(Array.from((b.params[key] as Variable).dataSync()));
        }
        tf.dispose([optA, optB].flatMap((o) => Object.values(o.state())));
        a.dispose();
        b.dispose();
      }
    }
  });

  it('checks the clipping options before any work', () => {
    const m = model();
    const loss = vi.fn(m.loss);
    expect(() => trainStep(m.params, loss, adam(), 0.1, { maxNorm: -1 })).toThrow(/options\.maxNorm/);
    expect(() => trainStep(m.params, loss, adam(), 0.1, { maxnorm: 1 } as never)).toThrow(/maxnorm/);
    expect(loss).not.toHaveBeenCalled();
    m.dispose();
  });
});

describe('trainStep without gradients', () => {
  it('throws ERR_NO_GRADIENTS when tfjs-core\'s gradients were left out, and trains once registerGradients adds them (a fresh Node process)', () => {
    // Gradients, once registered in this process, cannot be removed: a new process starts bare.
    const script = [
      "import * as tf from '@tensorflow/tfjs-core';",
      "import { initBackend, registerGradients } from '@nlpkit/tensor';",
      "import { sgd, trainStep } from '@nlpkit/train';",
      "await initBackend({ env: {}, only: 'cpu', gradients: false });",
      "const w = tf.variable(tf.tensor1d([3]));",
      'const step = () => trainStep({ w }, () => tf.mean(tf.square(w)), sgd(), 0.25);',
      'let code;',
      'try { step(); } catch (error) { code = [error.code, error.message]; }',
      'await registerGradients();',
      'const values = await step().read();',
      "console.log(JSON.stringify({ code, loss: values.loss, w: w.dataSync()[0] }));",
    ].join('\n');
    const root = fileURLToPath(new URL('..', import.meta.url));
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, NLPKIT_BACKEND: '' } });
    const result = JSON.parse(out.trim().split('\n').at(-1) as string) as { code: [string, string]; loss: number; w: number };
    expect(result.code[0]).toBe('ERR_NO_GRADIENTS');
    expect(result.code[1]).toMatch(/^@nlpkit\/train: trainStep needs tfjs-core's gradient functions.*registerGradients\(\)/);
    // d(w²)/dw = 2w = 6; w − 0.25 · 6 = 1.5.
    expect(result).toMatchObject({ loss: 9, w: 1.5 });
  });
});
