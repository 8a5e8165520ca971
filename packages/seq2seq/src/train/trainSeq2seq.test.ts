import * as tf from '@tensorflow/tfjs-core';
import { createRng, EOS_ID, vocabularyFromTokens } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import type { Seq2seqPair } from '../data/seq2seqBatch.js';
import type { Seq2seqConfig } from '../model/seq2seqConfig.js';
import { seq2seqDecoderSession, type Seq2seqModel } from '../model/seq2seqDecoderSession.js';
import { evaluateSeq2seq } from './evaluateSeq2seq.js';
import { trainSeq2seq, type TrainSeq2seqEvent } from './trainSeq2seq.js';

// Sequence reversal over symbols 4–9: source "a b c </s>", target "c b a".
function reversal(n: number, seed: number): Seq2seqPair[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const seq = Array.from({ length: 1 + rng.int(4) }, () => 4 + rng.int(6));
    return { source: [...seq, EOS_ID], target: [...seq].reverse() };
  });
}

/** Greedy decoding with a plain argmax loop over the session (the strategies live in src/decode). */
function argmaxDecode(model: Seq2seqModel, sources: number[][], maxLength: number): number[][] {
  const session = seq2seqDecoderSession(model, sources);
  const out: number[][] = sources.map(() => []);
  const done = sources.map(() => false);
  let state = session.start(Int32Array.from(sources, (_, i) => i));
  let prev = new Int32Array(sources.length).fill(session.bosId);
  for (let t = 0; t < maxLength && done.includes(false); t++) {
    const step = session.step(state, prev);
    const best = tf.tidy(() => tf.argMax(step.logProbs, 1).dataSync() as Int32Array);
    tf.dispose([step.logProbs, step.attention]);
    session.disposeState(state);
    state = step.state;
    prev = Int32Array.from(best);
    best.forEach((id, i) => {
      if (done[i]) return;
      if (id === session.eosId) done[i] = true;
      else out[i]?.push(id);
    });
  }
  session.disposeState(state);
  session.dispose();
  return out;
}

const config: Seq2seqConfig = {
  sourceVocabSize: 10, targetVocabSize: 10, embeddingSize: 16, hiddenSize: 32, encoderLayers: 1, decoderLayers: 1, cell: 'gru',
  bidirectional: true, reverseSource: false, bridge: 'dense', attention: 'dot', inputFeeding: false, dropout: 0,
};

describeBackends(
  'trainSeq2seq',
  () => {
    it('learns to reverse sequences (≥ 95% exact match, greedy)', async () => {
      const train = reversal(320, 1);
      const test = reversal(100, 2);
      const events: TrainSeq2seqEvent[] = [];
      const r = await trainSeq2seq({ config, train, seed: 3, batchSize: 32, epochs: 15, lr: 0.02, clipNorm: 5, labelSmoothing: 0.05, logEvery: 10, onEvent: (e) => events.push(e) });
      try {
        const decoded = argmaxDecode(r, test.map((p) => [...p.source]), 8);
        const exact = decoded.filter((ids, i) => ids.join(' ') === test[i]?.target.join(' ')).length / test.length;
        expect(exact).toBeGreaterThanOrEqual(0.95);
        const epochs = events.filter((e) => e.type === 'epoch');
        expect(epochs).toHaveLength(15);
        const steps = events.filter((e) => e.type === 'step');
        expect(steps[0]?.type === 'step' && steps[0].tokensPerSecond).toBeGreaterThan(0);
        expect((await evaluateSeq2seq(r, test)).loss).toBeLessThan(0.3);
      } finally {
        r.dispose();
      }
    });

    it('resumes exactly: stopped and resumed, the weights equal an uninterrupted run', async () => {
      const train = reversal(40, 4);
      const small: Seq2seqConfig = { ...config, hiddenSize: 8, embeddingSize: 4, dropout: 0.3, cell: 'lstm', attention: 'bahdanau', inputFeeding: true };
      const base = { config: small, train, seed: 5, batchSize: 8, epochs: 2, lr: 0.01, labelSmoothing: 0.1, logEvery: 1 };
      const full = await trainSeq2seq(base);
      const expected = Object.fromEntries(Object.entries(full.params).map(([k, v]) => [k, Array.from(v.dataSync())]));
      full.dispose();
      const controller = new AbortController();
      let saved: Uint8Array | undefined;
      const first = await trainSeq2seq({
        ...base,
        signal: controller.signal,
        checkpoint: (bytes) => {
          saved = bytes;
        },
        onEvent: (e) => e.type === 'step' && e.step === 7 && controller.abort(),
      });
      expect(first.stopped).toBe('aborted');
      expect(first.position.step).toBe(7);
      first.dispose();
      const before = tf.memory().numTensors;
      const second = await trainSeq2seq({ ...base, resume: saved as Uint8Array });
      expect(second.stopped).toBe('completed');
      for (const [k, v] of Object.entries(second.params)) expect(Array.from(v.dataSync()), k).toEqual(expected[k]);
      const v = await evaluateSeq2seq(second, train);
      expect(Number.isFinite(v.loss)).toBe(true);
      second.dispose();
      expect(tf.memory().numTensors).toBe(before);
      await expect(trainSeq2seq({ ...base, batchSize: 4, resume: saved as Uint8Array })).rejects.toThrow(/batchSize/);
    });

    it('stops early when the validation score stops improving (BLEU with validBleu)', async () => {
      const train = reversal(16, 6);
      const small: Seq2seqConfig = { ...config, hiddenSize: 8, embeddingSize: 4 };
      const targetVocabulary = vocabularyFromTokens(['a', 'b', 'c', 'd', 'e', 'f']);
      const references = train.map((p) => targetVocabulary.decode(p.target).join(' '));
      const events: TrainSeq2seqEvent[] = [];
      // lr 0: nothing changes, so the second epoch is no better than the first.
      const r = await trainSeq2seq({
        config: small, train, valid: train, seed: 1, batchSize: 8, epochs: 10, lr: 0, patience: 1,
        validBleu: { targetVocabulary, references, maxLength: 6 }, onEvent: (e) => events.push(e),
      });
      expect(r.stopped).toBe('early-stopped');
      expect(r.position.epoch).toBe(2);
      const epochs = events.filter((e) => e.type === 'epoch');
      expect(epochs).toHaveLength(2);
      expect(epochs[0]?.type === 'epoch' && epochs[0].validBleu).toBeGreaterThanOrEqual(0);
      expect(r.validBleu).toBe(epochs[1]?.type === 'epoch' ? epochs[1].validBleu : NaN);
      r.dispose();
    });

    it('bad options: ids out of range, empty sources, unknown keys', async () => {
      await expect(trainSeq2seq({ config, train: [{ source: [4, 10], target: [4] }], seed: 1, batchSize: 2, epochs: 1 })).rejects.toThrow(/options\.train\[0\]\.source\[1\]/);
      await expect(trainSeq2seq({ config, train: [{ source: [], target: [4] }], seed: 1, batchSize: 2, epochs: 1 })).rejects.toThrow(/at least one token id/);
      await expect(trainSeq2seq({ config, train: [], seed: 1, batchSize: 2, epochs: 1 })).rejects.toThrow(/at least one sentence pair/);
      await expect(trainSeq2seq({ config, train: reversal(2, 1), seed: 1, batchSize: 2, epochs: 1, lr: 1, bogus: 1 } as never)).rejects.toThrow(/options\.bogus/);
      await expect(trainSeq2seq({ config, train: reversal(2, 1), seed: 1, batchSize: 2, epochs: 1, patience: 1 })).rejects.toThrow(/options\.patience/);
    });
  },
  // The training tests run on wasm only, to stay short: on these small shapes it is about 3x faster than the cpu
  // backend (measured 13 s vs 45 s for this file), and the model's numerics are checked on every backend in
  // src/model/seq2seqModel.test.ts.
  { backends: ['wasm'] },
);
