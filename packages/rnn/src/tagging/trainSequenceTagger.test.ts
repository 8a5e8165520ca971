import * as tf from '@tensorflow/tfjs-core';
import { EmptyInputError, FormatError } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { adam, flattenParams } from '@nlpkit/train';
import { describe, expect, it } from 'vitest';
import { toyNer } from '../../test/tagging/toyNer.js';
import { trainSequenceTagger, type TaggerModelOptions } from './trainSequenceTagger.js';

const BILSTM_CRF: TaggerModelOptions = { encoder: 'bilstm', output: 'crf', wordEmbeddingSize: 8, hiddenSize: 8, scheme: 'IOB2', chars: { embeddingSize: 4, hiddenSize: 4 } };
const WINDOW: TaggerModelOptions = { encoder: 'window', output: 'softmax', window: 1, wordEmbeddingSize: 8, hiddenSize: 16, scheme: 'IOB2' };

/** Token accuracy of a tagger's predictions. */
function accuracy(pred: string[][], gold: { tags: string[] }[]): number {
  let right = 0;
  let all = 0;
  pred.forEach((p, i) => p.forEach((t, j) => {
    all += 1;
    if (t === gold[i]?.tags[j]) right += 1;
  }));
  return right / all;
}

describeBackends('trainSequenceTagger', () => {
  it('BiLSTM-CRF with character features and the window tagger learn a toy NER task; spans through the core Span type', async () => {
    const train = toyNer(60, 1);
    const test = toyNer(20, 2);
    for (const [model, epochs] of [[BILSTM_CRF, 8], [WINDOW, 15]] as const) {
      const scores: number[] = [];
      const r = await trainSequenceTagger({
        model, train, seed: 1, epochs, batchSize: 8, lr: 0.02, dropout: 0.1,
        validate: (tagger) => accuracy(tagger.predict(test.map((s) => s.words)), test),
        onEvent: (e) => {
          if (e.type === 'epoch' && e.score !== undefined) scores.push(e.score);
        },
      });
      expect(r.stopped).toBe('completed');
      expect(scores).toHaveLength(epochs);
      expect(r.score).toBeGreaterThan(0.95);
      expect(r.tagger.predictSpans([['Mary', 'Smith', 'lives', 'in', 'New', 'York', '.']])).toEqual([
        [{ label: 'PER', start: 0, end: 2 }, { label: 'LOC', start: 4, end: 6 }],
      ]);
      expect(r.tagger.predict([[], ['Ann', 'lives', 'in', 'Rome']])).toEqual([[], ['B-PER', 'O', 'O', 'B-LOC']]);
      r.dispose();
    }
  });

  it('tf.memory().numTensors stays flat over 1,000 training steps (window tagger) and 100 (BiLSTM-CRF with characters)', async () => {
    for (const [model, steps] of [[WINDOW, 1000], [BILSTM_CRF, 100]] as const) {
      const counts: number[] = [];
      const before = tf.memory().numTensors;
      const r = await trainSequenceTagger({
        model, train: toyNer(20, 3), seed: 2, epochs: steps / 10, batchSize: 2, dropout: 0.2, logEvery: 10,
        onEvent: (e) => {
          if (e.type === 'step') counts.push(tf.memory().numTensors);
        },
      });
      expect(counts).toHaveLength(steps / 10);
      expect(new Set(counts.slice(1)).size).toBe(1);
      r.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('singletonDropout trains the <unk> vector on words seen once; without it the <unk> row never moves', async () => {
    // 'Zed', 'visited' and 'Quux' occur once; every other word of toyNer repeats.
    const train = [...toyNer(16, 6), { words: ['Zed', 'visited', 'Quux'], tags: ['B-PER', 'O', 'B-LOC'] }];
    const unkRow = async (epochs: number, singletonDropout: number): Promise<number[]> => {
      const r = await trainSequenceTagger({ model: WINDOW, train, seed: 5, epochs, batchSize: 4, lr: 0.05, singletonDropout });
      const row = tf.slice(r.params.words, [1, 0], [1, -1]);
      const values = Array.from(await row.data());
      row.dispose();
      r.dispose();
      return values;
    };
    const init = await unkRow(0, 0);
    expect(await unkRow(2, 0)).toEqual(init);
    const trained = await unkRow(2, 1);
    expect(trained).toHaveLength(init.length);
    expect(trained.some((v, i) => Math.abs(v - (init[i] as number)) > 1e-4)).toBe(true);
    await expect(trainSequenceTagger({ model: WINDOW, train, seed: 1, epochs: 1, singletonDropout: 1.5 })).rejects.toThrow(/options.singletonDropout/);
  });
});

describe('trainSequenceTagger (resume and bad input)', () => {
  it('a run checkpointed and resumed ends with the same weights as one uninterrupted run', async () => {
    const train = toyNer(12, 4);
    const opts = { model: BILSTM_CRF, train, seed: 3, epochs: 3, batchSize: 4, dropout: 0.2 } as const;
    const straight = await trainSequenceTagger({ ...opts, optimizer: adam() });
    const expected = Object.fromEntries(Object.entries(flattenParams(straight.params)).map(([k, t]) => [k, Array.from(t.dataSync())]));
    straight.dispose();
    let saved: Uint8Array | undefined;
    const ac = new AbortController();
    const first = await trainSequenceTagger({
      ...opts, optimizer: adam(), signal: ac.signal, checkpointEvery: 4,
      checkpoint: (bytes, position) => {
        saved = bytes;
        if (position.step === 4) ac.abort();
      },
    });
    expect(first.stopped).toBe('aborted');
    first.dispose();
    const second = await trainSequenceTagger({ ...opts, optimizer: adam(), resume: saved });
    expect(second.position.step).toBe(9);
    const got = Object.fromEntries(Object.entries(flattenParams(second.params)).map(([k, t]) => [k, Array.from(t.dataSync())]));
    expect(got).toEqual(expected);
    second.dispose();
    await expect(trainSequenceTagger({ ...opts, seed: 4, resume: saved })).rejects.toMatchObject({ code: 'ERR_CHECKPOINT', argument: 'options.resume (seed)' });
  });

  it('refuses a tag-scheme violation, empty data and unknown options, naming the argument', async () => {
    const bad = [...toyNer(3, 5), { words: ['in', 'Paris'], tags: ['O', 'I-LOC'] }];
    await expect(trainSequenceTagger({ model: WINDOW, train: bad, seed: 1, epochs: 1 })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[FormatError: @nlpkit/rnn: options.train[3].tags[1] must be a tag that may follow O in IOB2, got "I-LOC"]`,
    );
    await expect(trainSequenceTagger({ model: WINDOW, train: bad, seed: 1, epochs: 1 })).rejects.toBeInstanceOf(FormatError);
    await expect(trainSequenceTagger({ model: WINDOW, train: [], seed: 1, epochs: 1 })).rejects.toBeInstanceOf(EmptyInputError);
    await expect(trainSequenceTagger({ model: { ...WINDOW, scheme: 'IOBES' }, train: toyNer(3, 5), seed: 1, epochs: 1 })).rejects.toThrow(/options.train\[0\].tags\[\d\] must be a tag that may (follow|end a sentence)/);
    await expect(trainSequenceTagger({ model: WINDOW, train: [{ words: ['a'], tags: ['S-X'] }], seed: 1, epochs: 1 })).rejects.toThrow(/tags\[0\] must be "O" or a tag starting with B-, I- \(scheme IOB2\), got "S-X"/);
    await expect(trainSequenceTagger({ model: WINDOW, train: toyNer(3, 5), seed: 1, epochs: 1, batchsize: 3 } as never)).rejects.toThrow(/options.batchsize/);
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });
});
