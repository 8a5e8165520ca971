import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import { createRng, vocabularyFromTokens } from '@nlpkit/core';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import { padSequences } from '@nlpkit/text';
import {
  adam, decodeCheckpoint, encodeCheckpoint, flattenParams, sgd, trainLoop, trainStep, unflattenParams, type LoopState, type Optimizer,
} from '@nlpkit/train';
import { expect, it } from 'vitest';
import { RnnOptionError, RnnShapeError } from '../errors.js';
import { initRecurrentLm, recurrentLmForward, recurrentLmForwardLoss, recurrentLmLoss, type RecurrentLmConfig } from './recurrentLm.js';

const TINY: RecurrentLmConfig = { vocabSize: 7, embeddingSize: 4, hiddenSize: 4, layers: 2, tied: true };

/** A tiny LM whose batches are a pure function of the step (so resumes can be exact), trained with @nlpkit/train. */
function setup(seed: number, config: RecurrentLmConfig = TINY, dropout = 0.2) {
  const rng = createRng(seed);
  const p0 = initRecurrentLm(config, rng, 0.3);
  const vars = Object.fromEntries(Object.entries(flattenParams(p0)).map(([k, t]) => [k, tf.variable(t)])) as Record<string, Variable>;
  tf.dispose(Object.values(flattenParams(p0)));
  const params = unflattenParams(p0, vars);
  const batch = (step: number): [number[][], number[][]] => {
    const ids = Array.from({ length: 9 }, (_, i) => (step * 3 + i * 5) % 7);
    return [[ids.slice(0, 3), ids.slice(3, 6)], [ids.slice(3, 6), ids.slice(6, 9)]];
  };
  const step = (opt: Optimizer, k: number) => {
    const [x, y] = batch(k);
    return trainStep(vars, () => recurrentLmLoss(recurrentLmForward(config, params, x, { dropout, training: true, rng }).logits, y, { labelSmoothing: 0.1 }), opt, 0.5, { maxNorm: 1, maxValue: 5 });
  };
  const dispose = () => Object.values(vars).forEach((v) => v.dispose());
  return { rng, vars, params, step, dispose };
}

describeBackends('recurrent LM training (with @nlpkit/train)', () => {
  it('tf.memory().numTensors is the same after 300 training steps as after the first, and the loss falls', async () => {
    const m = setup(1, { vocabSize: 7, embeddingSize: 4, hiddenSize: 4, layers: 1 }, 0);
    const opt = sgd({ momentum: 0.9 });
    const first = await m.step(opt, 0).read();
    const after1 = tf.memory().numTensors;
    for (let k = 1; k < 299; k += 1) m.step(opt, k).dispose();
    expect(tf.memory().numTensors).toBe(after1);
    const last = await m.step(opt, 299).read();
    expect(last.skipped).toBe(false);
    expect(last.loss).toBeLessThan(first.loss);
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
    const ac = new AbortController();
    const r = await trainLoop({
      epochs: 1, stepsPerEpoch: 8, checkpointEvery: 5,
      step: ({ step }) => first.step(opt2, step),
      checkpoint: (state) => {
        bytes = encodeCheckpoint({ params: first.vars, optimizer: opt2.state(), optimizerKind: opt2.kind, rng: first.rng.getState(), loop: state });
        ac.abort();
      },
      signal: ac.signal,
    });
    expect(r.stopped).toBe('aborted');
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

  it("text's padSequences output goes straight in: ids as number[][], lengths as number[]", () => {
    const vocabulary = vocabularyFromTokens(['the', 'cat', 'sat', 'on', 'mat']);
    const sentences = [['the', 'cat', 'sat', 'on', 'the', 'mat'], ['the', 'cat'], ['mat']];
    const inputs = padSequences(sentences.map((s) => vocabulary.encode(s, { bos: true })));
    const targets = padSequences(sentences.map((s) => vocabulary.encode(s, { eos: true })));
    const config: RecurrentLmConfig = { vocabSize: vocabulary.size, embeddingSize: 3, hiddenSize: 4, layers: 2 };
    const params = initRecurrentLm(config, createRng(2), 0.4);
    tf.tidy(() => {
      const { logits } = recurrentLmForward(config, params, inputs.ids, { lengths: inputs.lengths });
      const padded = recurrentLmLoss(logits, targets.ids, { lengths: targets.lengths });
      // The same loss, sentence by sentence, with no padding at all: the mean over all real tokens.
      let sum = 0;
      sentences.forEach((_, b) => {
        const x = [inputs.ids[b]?.slice(0, inputs.lengths[b]) as number[]];
        const y = [targets.ids[b]?.slice(0, targets.lengths[b]) as number[]];
        sum += (recurrentLmLoss(recurrentLmForward(config, params, x).logits, y).dataSync()[0] as number) * (inputs.lengths[b] as number);
      });
      const tokens = inputs.lengths.reduce((a, b) => a + b, 0);
      expectClose(padded, sum / tokens, { atol: 1e-5 });
      // A tensor of ids gives the same logits as the number[][].
      expectClose(recurrentLmForward(config, params, tf.tensor2d(inputs.ids, undefined, 'int32') as Tensor2D, { lengths: inputs.lengths }).logits, logits, { atol: 0 });
    });
  });

  it('recurrentLmForwardLoss is forward + loss in one call: same loss (lengths, label smoothing, a logit bias), same state, same gradients under a tape', () => {
    const config: RecurrentLmConfig = { vocabSize: 1100, embeddingSize: 6, hiddenSize: 8, layers: 2 };
    const params = initRecurrentLm(config, createRng(4), 0.3);
    const ids = [[5, 9, 1099, 3], [7, 1, 2, 0], [600, 512, 511, 4]];
    const targets = [[9, 1099, 3, 8], [1, 2, 0, 0], [512, 511, 4, 1098]];
    const lengths = [4, 2, 4];
    tf.tidy(() => {
      const bias = tf.tensor1d(Float32Array.from({ length: 1100 }, (_, j) => (j < 2 ? -1e9 : 0)));
      for (const options of [{}, { lengths, labelSmoothing: 0.1 }]) {
        const out = recurrentLmForward(config, params, ids, 'lengths' in options ? { lengths } : {});
        const want = recurrentLmLoss(out.logits, targets, options);
        const got = recurrentLmForwardLoss(config, params, ids, targets, options);
        expectClose(got.loss, want, { atol: 2e-6 });
        got.state.forEach((s, k) => expectClose(s.h, (out.state[k] as { h: Tensor }).h, { atol: 0 }));
        // A logit bias is the output bias plus it: −1e9 for ids 0 and 1 (never predicted; no target is 0 or 1 in row 0).
        const biased = recurrentLmLoss(tf.add(out.logits, bias) as Tensor2D, [targets[0] as number[], [2, 3, 3, 2], targets[2] as number[]], options);
        expectClose(recurrentLmForwardLoss(config, params, ids, [targets[0] as number[], [2, 3, 3, 2], targets[2] as number[]], { ...options, logitBias: bias }).loss, biased, { atol: 2e-6 });
      }
      const w = params.output.w as Tensor2D;
      const g = (f: (w: Tensor) => tf.Scalar): Float32Array => tf.grad(f)(w).dataSync() as Float32Array;
      const viaLogits = g((wi) => recurrentLmLoss(recurrentLmForward(config, { ...params, output: { ...params.output, w: wi as Tensor2D } }, ids).logits, targets));
      const inOne = g((wi) => recurrentLmForwardLoss(config, { ...params, output: { ...params.output, w: wi as Tensor2D } }, ids, targets).loss);
      expect(Array.from(inOne)).toEqual(Array.from(viaLogits));
    });
    tf.dispose(Object.values(flattenParams(params)));
  });

  it('recurrentLmForwardLoss: targets of another shape, a logit bias of another size, an unknown option are typed errors', () => {
    const config: RecurrentLmConfig = { vocabSize: 9, embeddingSize: 3, hiddenSize: 4, layers: 1 };
    const params = initRecurrentLm(config, createRng(5), 0.3);
    tf.tidy(() => {
      expect(() => recurrentLmForwardLoss(config, params, [[1, 2, 3]], [[2, 3]])).toThrow(RnnShapeError);
      expect(() => recurrentLmForwardLoss(config, params, [[1, 2, 3]], [[2, 3, 9]])).toThrow(RnnShapeError);
      expect(() => recurrentLmForwardLoss(config, params, [[1, 2, 3]], [[2, 3, 4]], { logitBias: tf.zeros([8]) as tf.Tensor1D })).toThrow(RnnShapeError);
      expect(() => recurrentLmForwardLoss(config, params, [[1, 2, 3]], [[2, 3, 4]], { smoothing: 0.1 } as never)).toThrow(RnnOptionError);
    });
    tf.dispose(Object.values(flattenParams(params)));
  });
});
