import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import { createRng, EmptyInputError, UnknownNameError } from '@nlpkit/core';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import { describe, expect, it } from 'vitest';
import { seq2seqBatch, type Seq2seqPair } from '../data/seq2seqBatch.js';
import { Seq2seqOptionError, Seq2seqShapeError } from '../errors.js';
import { attend, attentionKeys } from './attention.js';
import { initSeq2seq } from './initSeq2seq.js';
import { checkSeq2seqConfig, seq2seqShapes, type AttentionType, type Seq2seqConfig } from './seq2seqConfig.js';
import { seq2seqDecoderSession } from './seq2seqDecoderSession.js';
import { seq2seqLogits, seq2seqLoss } from './seq2seqLoss.js';

const base: Seq2seqConfig = {
  sourceVocabSize: 11, targetVocabSize: 9, embeddingSize: 6, hiddenSize: 8, encoderLayers: 1, decoderLayers: 1, cell: 'lstm',
  bidirectional: true, reverseSource: false, bridge: 'dense', attention: 'bahdanau', inputFeeding: true, dropout: 0,
};
const variants: Seq2seqConfig[] = [
  base,
  { ...base, cell: 'gru', attention: 'general', bridge: 'copy', bidirectional: false, reverseSource: true, inputFeeding: false },
  { ...base, attention: 'dot', encoderLayers: 2, decoderLayers: 2, dropout: 0.2 },
  { ...base, attention: 'concat', cell: 'gru', decoderLayers: 2 },
  { ...base, attention: 'scaled-dot', bridge: 'zero', bidirectional: false },
  { ...base, attention: 'none', inputFeeding: false, embeddingSize: 8, tiedTargetEmbeddings: true },
];
const pairs: Seq2seqPair[] = [
  { source: [4, 5, 6, 3], target: [4, 5] },
  { source: [7, 3], target: [6, 7, 8, 4] },
  { source: [8, 9, 10, 4, 5, 3], target: [] },
];

function params(config: Seq2seqConfig, seed = 1): Record<string, Tensor> {
  return initSeq2seq(config, createRng(seed));
}

describe('checkSeq2seqConfig', () => {
  it('names the field and lists the allowed names', () => {
    expect(() => checkSeq2seqConfig({ ...base, cell: 'rnn' as never })).toThrow(UnknownNameError);
    expect(() => checkSeq2seqConfig({ ...base, attention: 'luong' as never })).toThrowErrorMatchingInlineSnapshot(
      `[UnknownNameError: @nlpkit/seq2seq: config.attention must be one of bahdanau, dot, general, concat, scaled-dot, none, got "luong"]`,
    );
    expect(() => checkSeq2seqConfig({ ...base, bridge: 'mlp' as never })).toThrow(/config\.bridge/);
    expect(() => checkSeq2seqConfig({ ...base, hiddenSize: 7 })).toThrow(Seq2seqOptionError);
    expect(() => checkSeq2seqConfig({ ...base, bridge: 'copy', decoderLayers: 2 })).toThrow(/config\.bridge/);
    expect(() => checkSeq2seqConfig({ ...base, attention: 'none' })).toThrow(/inputFeeding/);
    expect(() => checkSeq2seqConfig({ ...base, tiedTargetEmbeddings: true })).toThrow(/embeddingSize/);
    expect(() => checkSeq2seqConfig({ ...base, heads: 2 } as never)).toThrow(/config\.heads/);
    expect(() => checkSeq2seqConfig({ ...base, dropout: 1 })).toThrow(/config\.dropout/);
    const { cell: _cell, ...missing } = base;
    expect(() => checkSeq2seqConfig(missing as never)).toThrow(/config\.cell/);
  });
});

describeBackends('seq2seq model', () => {
  it('initSeq2seq makes exactly the weights seq2seqShapes lists', () => {
    for (const config of variants) {
      const p = params(config);
      expect(Object.fromEntries(Object.entries(p).map(([k, t]) => [k, t.shape]))).toEqual(Object.fromEntries(seq2seqShapes(config)));
      tf.dispose(Object.values(p));
    }
  });

  for (const type of ['bahdanau', 'dot', 'general', 'concat', 'scaled-dot', 'none'] as AttentionType[]) {
    it(`${type} attention: 0 on padding, sums to 1 over valid positions`, () => {
      const config = { ...base, attention: type, inputFeeding: type !== 'none' };
      const p = params(config);
      const lengths = [5, 2, 1];
      tf.tidy(() => {
        const values = tf.mul(tf.randomNormal([3, 5, 8], 0, 1, 'float32', 3), tf.tensor3d(lengths.flatMap((l) => [0, 1, 2, 3, 4].flatMap((t) => Array<number>(8).fill(t < l ? 1 : 0))), [3, 5, 8])) as tf.Tensor3D;
        const mask = tf.tensor2d(lengths.flatMap((l) => [0, 1, 2, 3, 4].map((t) => (t < l ? 1 : 0))), [3, 5]);
        const { weights, context } = attend(type, p, { values, keys: attentionKeys(type, p, values), mask }, tf.randomNormal([3, 8], 0, 1, 'float32', 4) as Tensor2D);
        const w = weights.arraySync();
        lengths.forEach((l, b) => {
          const row = w[b] as number[];
          for (let t = l; t < 5; t++) expect(row[t]).toBe(0);
          expect(row.slice(0, l).reduce((a, x) => a + x, 0)).toBeCloseTo(1, 5);
          row.slice(0, l).forEach((x) => expect(x).toBeGreaterThan(0));
        });
        expect(context.shape).toEqual([3, 8]);
      });
      tf.dispose(Object.values(p));
    });
  }

  it('the loss is finite and every weight gets a gradient, for every variant', () => {
    const batch = seq2seqBatch(pairs);
    for (const config of variants) {
      const p = params(config);
      const vars = Object.values(p).map((t) => tf.variable(t));
      const named = Object.fromEntries(Object.keys(p).map((k, i) => [k, vars[i] as Variable]));
      const rng = createRng(5);
      const { value, grads } = tf.variableGrads(() => seq2seqLoss(config, named, batch, { labelSmoothing: 0.1, training: true, rng }), vars);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      for (const v of vars) {
        const g = grads[v.name] as Tensor;
        expect(g, v.name).toBeDefined();
        expect(tf.any(tf.notEqual(g, 0)).dataSync()[0], `${config.attention}: ${v.name}`).toBe(1);
      }
      tf.dispose([value, ...Object.values(grads), ...vars, ...Object.values(p)]);
    }
  });

  it('padding changes nothing: a row alone and in a padded batch get the same logits', () => {
    for (const config of variants.slice(0, 3)) {
      const p = params(config);
      tf.tidy(() => {
        const all = seq2seqLogits(config, p, seq2seqBatch(pairs)).arraySync();
        const T = seq2seqBatch(pairs).targetWidth;
        pairs.forEach((pair, b) => {
          const alone = seq2seqLogits(config, p, seq2seqBatch([pair]));
          const rows = pair.target.length + 1;
          expectClose(alone, all.slice(b * T, b * T + rows), { atol: 1e-5 });
        });
      });
      tf.dispose(Object.values(p));
    }
  });

  it('the decoder session gives the teacher-forced log-probabilities step by step', () => {
    for (const config of variants) {
      const p = params(config);
      const session = seq2seqDecoderSession({ config, params: p }, pairs.map((x) => x.source));
      const batch = seq2seqBatch(pairs);
      const forced = tf.tidy(() => tf.logSoftmax(seq2seqLogits(config, p, batch)).arraySync());
      let state = session.start(Int32Array.from([0, 1, 2]));
      for (let t = 0; t < 2; t++) {
        const prev = Int32Array.from([0, 1, 2], (b) => batch.targetInputs[b * batch.targetWidth + t] as number);
        const out = session.step(state, prev);
        const lp = out.logProbs.arraySync();
        const att = out.attention.arraySync();
        pairs.forEach((pair, b) => {
          const row = lp[b] as number[];
          expect(row[0]).toBe(-Infinity);
          expect(row[2]).toBe(-Infinity);
          expect(row.reduce((a, x) => a + Math.exp(x), 0)).toBeCloseTo(1, 5);
          // Same model, <pad> and <s> removed: the other entries differ from the forced ones by one constant.
          const forcedRow = forced[b * batch.targetWidth + t] as number[];
          const shift = (row[5] as number) - (forcedRow[5] as number);
          for (const j of [1, 3, 4, 6, 7, 8]) expect((row[j] as number) - (forcedRow[j] as number)).toBeCloseTo(shift, 4);
          const a = att[b] as number[];
          expect(a).toHaveLength(6);
          for (let s = pair.source.length; s < 6; s++) expect(a[s]).toBe(0);
          expect(a.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
        });
        tf.dispose([out.logProbs, out.attention]);
        session.disposeState(state);
        state = out.state;
      }
      session.disposeState(state);
      session.dispose();
      tf.dispose(Object.values(p));
    }
  });

  it('select reorders rows; numTensors stays flat over 1,000 steps', () => {
    const config = variants[0] as Seq2seqConfig;
    const p = params(config);
    const outside = tf.memory().numTensors;
    const session = seq2seqDecoderSession({ config, params: p }, pairs.map((x) => x.source));
    let state = session.start(Int32Array.from([2, 0, 0, 1]));
    expect(Array.from(state.sources)).toEqual([2, 0, 0, 1]);
    const first = session.select(state, Int32Array.from([3, 0]));
    expect(Array.from(first.sources)).toEqual([1, 2]);
    session.disposeState(first);
    let counted = 0;
    for (let t = 0; t < 1000; t++) {
      const out = session.step(state, Int32Array.from([4, 5, 3, 1]));
      tf.dispose([out.logProbs, out.attention]);
      session.disposeState(state);
      const next = session.select(out.state, Int32Array.from([1, 0, 3, 2]));
      session.disposeState(out.state);
      state = next;
      if (t === 0) counted = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(counted);
    session.disposeState(state);
    // What remains is the session's own (encoder memory, its per-row gather cache): dispose() frees all of it.
    session.dispose();
    expect(tf.memory().numTensors).toBe(outside);
    tf.dispose(Object.values(p));
  });

  it('bad input: empty sources, ids out of range, bad rows', () => {
    const config = variants[1] as Seq2seqConfig;
    const p = params(config);
    const model = { config, params: p };
    expect(() => seq2seqDecoderSession(model, [])).toThrow(EmptyInputError);
    expect(() => seq2seqDecoderSession(model, [[4, 3], []])).toThrow(EmptyInputError);
    expect(() => seq2seqDecoderSession(model, [[4, 11]])).toThrowErrorMatchingInlineSnapshot(`[Seq2seqShapeError: @nlpkit/seq2seq: sources[0][1] must be a token id from 0 to 10, got 11]`);
    const session = seq2seqDecoderSession(model, [[4, 3]]);
    expect(() => session.start(Int32Array.from([1]))).toThrow(Seq2seqShapeError);
    const s = session.start(Int32Array.from([0]));
    expect(() => session.step(s, Int32Array.from([9]))).toThrow(/previous\[0\]/);
    expect(() => session.step(s, Int32Array.from([4, 4]))).toThrow(/one id per row/);
    session.disposeState(s);
    session.dispose();
    expect(() => session.start(Int32Array.from([0]))).toThrow(/disposed/);
    expect(() => seq2seqBatch([{ source: [], target: [4] }])).toThrow(EmptyInputError);
    tf.dispose(Object.values(p));
  });
});
