import * as tf from '@tensorflow/tfjs-core';
import { NlpkitError, UnknownNameError, vocabularyFromTokens } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { adam, sgd } from '@nlpkit/train';
import { expect, it } from 'vitest';
import { lmStream, lmStreamFromIds } from '../data/lmStream.js';
import { RnnOptionError, RnnShapeError } from '../errors.js';
import type { RecurrentLmConfig } from './recurrentLm.js';
import { trainRecurrentLm, type TrainLmEvent, type TrainRecurrentLmOptions } from './trainRecurrentLm.js';

const CONFIG: RecurrentLmConfig = { vocabSize: 10, embeddingSize: 6, hiddenSize: 6, layers: 2 };
/** A learnable stream: short repeating "sentences" over ids 4..9. */
const ids = Array.from({ length: 240 }, (_, i) => [4, 5, 6, 3, 7, 8, 9, 5, 3][i % 9] as number);
const train = lmStreamFromIds(ids, 10);
const valid = lmStreamFromIds(ids.slice(0, 60), 10);
const base: TrainRecurrentLmOptions = { config: CONFIG, train, seed: 7, initScale: 0.1, batchSize: 3, bptt: 5, epochs: 1, loss: 'sumOverTime', lr: 0.5, clipNorm: 5 };

const values = (params: object): number[][] => Object.values(flat(params)).map((t) => Array.from(t.dataSync()));
function flat(node: object, out: Record<string, tf.Tensor> = {}, prefix = ''): Record<string, tf.Tensor> {
  for (const [k, v] of Object.entries(node)) {
    if (v instanceof tf.Tensor) out[prefix + k] = v;
    else if (v !== null && typeof v === 'object') flat(v as object, out, `${prefix}${k}.`);
  }
  return out;
}

describeBackends('trainRecurrentLm', () => {
  it('numTensors stays flat over 1,000 steps (state carried across segments, reset at epochs), and loss and valid perplexity fall', async () => {
    const counts: number[] = [];
    const events: TrainLmEvent[] = [];
    const before = tf.memory().numTensors;
    // 240 ids / 3 rows = 80 columns / bptt 5 = 16 steps per epoch; 63 epochs ≈ 1,000 steps.
    const r = await trainRecurrentLm({
      ...base, config: { vocabSize: 10, embeddingSize: 16, hiddenSize: 16, layers: 1 }, lr: 0.2, valid, epochs: 63, dropout: 0.05, optimizer: sgd(), logEvery: 20,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'step') counts.push(tf.memory().numTensors);
      },
    });
    expect(r.stopped).toBe('completed');
    expect(r.position.step).toBe(63 * 16);
    expect(counts.length).toBeGreaterThan(40);
    expect(new Set(counts.slice(1)).size).toBe(1);
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.at(-1)!.loss).toBeLessThan(steps[0]!.loss);
    expect(steps[0]).toMatchObject({ stepsPerEpoch: 16, lr: 0.2 });
    expect(steps[0]!.tokensPerSecond).toBeGreaterThan(0);
    const epochsSeen = events.filter((e) => e.type === 'epoch');
    expect(epochsSeen).toHaveLength(63);
    expect(r.validPerplexity).toBeLessThan((epochsSeen[0] as { validPerplexity: number }).validPerplexity);
    expect(r.validPerplexity).toBeLessThan(2);
    r.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resume is exact: 2 epochs straight = stop mid-epoch + checkpoint bytes + resume (Adam, dropout, carried state)', async () => {
    const options: TrainRecurrentLmOptions = { ...base, epochs: 2, dropout: 0.2, logEvery: 3, lr: 0.01 };
    const straight = await trainRecurrentLm({ ...options, optimizer: adam() });
    const expected = values(straight.params);
    straight.dispose();

    let bytes: Uint8Array | undefined;
    const ac = new AbortController();
    const first = await trainRecurrentLm({
      ...options, optimizer: adam(), checkpointEvery: 21, signal: ac.signal,
      checkpoint: (b, position) => {
        bytes = b;
        if (position.step === 21) ac.abort();
      },
    });
    expect(first.stopped).toBe('aborted');
    expect(first.position.step).toBe(21);
    first.dispose();
    const resumed = await trainRecurrentLm({ ...options, optimizer: adam(), resume: bytes! });
    expect(resumed.position.step).toBe(32);
    expect(values(resumed.params)).toEqual(expected);
    resumed.dispose();
    // Resumed after its last epoch: nothing to train, the validation score is still reported.
    let last: Uint8Array | undefined;
    const full = await trainRecurrentLm({ ...options, valid, optimizer: adam(), checkpoint: (b) => void (last = b) });
    const again = await trainRecurrentLm({ ...options, valid, optimizer: adam(), resume: last! });
    expect(again.position.step).toBe(32);
    expect(again.validPerplexity).toBe(full.validPerplexity);
    full.dispose();
    again.dispose();
  });

  it("loss convention: one 'sumOverTime' step at lr a equals one 'perToken' step at lr a·bptt (no clipping)", async () => {
    const { clipNorm: _, ...one } = { ...base, train: lmStreamFromIds(ids.slice(0, 15), 10), epochs: 1 };
    const sum = await trainRecurrentLm({ ...one, loss: 'sumOverTime', lr: 0.1 });
    const mean = await trainRecurrentLm({ ...one, loss: 'perToken', lr: 0.5 });
    const a = values(sum.params).flat();
    const b = values(mean.params).flat();
    a.forEach((x, i) => expect(x).toBeCloseTo(b[i] as number, 5));
    sum.dispose();
    mean.dispose();
  });

  it('bad input: typed errors naming the argument, and no tensor leaks', async () => {
    const before = tf.memory().numTensors;
    await expect(trainRecurrentLm({ ...base, loss: 'mean' as never })).rejects.toThrow(RnnOptionError);
    await expect(trainRecurrentLm({ ...base, train: [4, 5, 3] as never })).rejects.toThrow('options.train must be an LmStream');
    await expect(trainRecurrentLm({ ...base, config: { ...CONFIG, cell: { type: 'lstn' } as never } })).rejects.toThrow(UnknownNameError);
    await expect(trainRecurrentLm({ ...base, train: lmStreamFromIds([4, 12, 3], 13) })).rejects.toThrow(RnnShapeError);
    await expect(trainRecurrentLm({ ...base, train: lmStreamFromIds([4, 12, 3], 13) })).rejects.toThrow('options.train.targets[1]');
    await expect(trainRecurrentLm({ ...base, epochs: 1, resume: new Uint8Array([1, 2, 3]) })).rejects.toThrow(NlpkitError);
    let bytes: Uint8Array | undefined;
    const r = await trainRecurrentLm({ ...base, epochs: 1, checkpoint: (b) => void (bytes = b) });
    r.dispose();
    await expect(trainRecurrentLm({ ...base, config: { ...CONFIG, hiddenSize: 8 }, epochs: 2, resume: bytes! })).rejects.toThrow(/config/);
    await expect(trainRecurrentLm({ ...base, epochs: 2, optimizer: adam(), resume: bytes! })).rejects.toThrow(/optimizer/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains from sentences through lmStream and a vocabulary', async () => {
    const vocab = vocabularyFromTokens(['the', 'cat', 'sat']);
    const stream = lmStream(Array.from({ length: 20 }, () => ['the', 'cat', 'sat']), vocab);
    const r = await trainRecurrentLm({ ...base, config: { ...CONFIG, vocabSize: vocab.size }, train: stream, epochs: 1 });
    expect(r.position.step).toBeGreaterThan(0);
    r.dispose();
  });
});
