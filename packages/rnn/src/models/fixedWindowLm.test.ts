import * as tf from '@tensorflow/tfjs-core';
import { BOS_ID, createRng, EOS_ID, evaluatePerplexity, generate, PAD_ID, vocabularyFromTokens } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { adam, flattenParams } from '@nlpkit/train';
import { describe, expect, it } from 'vitest';
import { lmStream } from '../data/lmStream.js';
import { RnnOptionError } from '../errors.js';
import { fixedWindowContexts, fixedWindowLmForward, initFixedWindowLm, type FixedWindowLmConfig } from './fixedWindowLm.js';
import { fixedWindowLanguageModel } from './fixedWindowLanguageModel.js';
import { evaluateFixedWindowLm, trainFixedWindowLm } from './trainFixedWindowLm.js';

const vocabulary = vocabularyFromTokens(['the', 'cat', 'dog', 'sat', 'ran', 'on', 'mat']);
const lines = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? ['the', 'cat', 'sat', 'on', 'the', 'mat'] : ['the', 'dog', 'ran']));
const stream = lmStream(lines, vocabulary);
const config: FixedWindowLmConfig = { vocabSize: vocabulary.size, context: 3, embeddingSize: 8, hiddenSize: 16 };
const values = (p: object): number[][] => Object.values(flattenParams(p)).map((t) => Array.from(t.dataSync()));

describe('fixedWindowContexts', () => {
  it('holds the sentence so far (oldest first), left-padded with <pad>, never crossing the <s> that starts it', () => {
    const s = lmStream([['the', 'cat'], ['dog']], vocabulary); // targets: the cat </s> dog </s>
    const c = fixedWindowContexts(s, 3);
    const the = vocabulary.id('the');
    const cat = vocabulary.id('cat');
    expect(Array.from(c)).toEqual([
      PAD_ID, PAD_ID, BOS_ID, // → the
      PAD_ID, BOS_ID, the, // → cat
      BOS_ID, the, cat, // → </s>
      PAD_ID, PAD_ID, BOS_ID, // → dog (new sentence)
      PAD_ID, BOS_ID, vocabulary.id('dog'), // → </s>
    ]);
    expect(s.targets.at(-1)).toBe(EOS_ID);
  });
});

describeBackends('fixed-window neural LM (Bengio et al. 2003)', () => {
  it('learns, numTensors stays flat, and the trained model is a core LanguageModel scoring as the stream evaluation', async () => {
    const counts: number[] = [];
    const r = await trainFixedWindowLm({
      config, train: stream, valid: stream, seed: 3, batchSize: 16, epochs: 12, lr: 0.01, optimizer: adam(), clipNorm: 5, dropout: 0.1, logEvery: 10,
      onEvent: (e) => e.type === 'step' && counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(r.validPerplexity).toBeLessThan(1.6); // the text is deterministic except the subject's noun after "the"
    const lm = fixedWindowLanguageModel({ config, params: r.params, vocabulary });
    expect(lm.order).toBe(4);
    const byContract = evaluatePerplexity(lm, lines);
    const byStream = await evaluateFixedWindowLm(config, r.params, stream);
    expect(byContract.tokens).toBe(byStream.tokens);
    expect(byContract.perplexity).toBeCloseTo(byStream.perplexity, 3);
    // Token by token through states equals the one-pass sentence score.
    let state = lm.startState();
    let sum = 0;
    for (const w of [...lines[0]!, '</s>']) {
      const s = lm.scoreToken(state, w);
      sum += s.log10Prob;
      state = s.state;
    }
    expect(sum).toBeCloseTo(lm.scoreSentence(lines[0]!).log10Prob, 4);
    expect(generate(lm, { rng: 1, maxTokens: 8 }).length).toBeGreaterThan(0);
    r.dispose();
  });

  it('resume is exact: an aborted run continued from its checkpoint ends with the same weights', async () => {
    const options = { config, train: stream, seed: 5, batchSize: 16, epochs: 2, lr: 0.5, clipNorm: 5, dropout: 0.2, logEvery: 4 } as const;
    const straight = await trainFixedWindowLm(options);
    const expected = values(straight.params);
    straight.dispose();
    let bytes: Uint8Array | undefined;
    const ac = new AbortController();
    const first = await trainFixedWindowLm({ ...options, signal: ac.signal, checkpointEvery: 7, checkpoint: (b, p) => { bytes = b; if (p.step === 28) ac.abort(); } });
    expect(first.stopped).toBe('aborted');
    expect(first.position).toMatchObject({ epoch: 1, step: 28 }); // 330 windows / 16 = 21 steps per epoch
    first.dispose();
    const resumed = await trainFixedWindowLm({ ...options, resume: bytes! });
    expect(values(resumed.params)).toEqual(expected);
    resumed.dispose();
  });

  it('bad input: typed errors', async () => {
    const params = initFixedWindowLm(config, createRng(1));
    expect(() => tf.tidy(() => fixedWindowLmForward(config, params, tf.zeros([2, 2], 'int32') as tf.Tensor2D))).toThrow(RnnOptionError);
    expect(() => initFixedWindowLm({ ...config, context: 0 }, createRng(1))).toThrow('config.context must be an integer from 1 to 64, got 0');
    expect(() => fixedWindowLanguageModel({ config, params, vocabulary: vocabularyFromTokens(['a']) })).toThrow(RnnOptionError);
    await expect(trainFixedWindowLm({ config: { ...config, vocabSize: 5 }, train: stream, seed: 1, batchSize: 4, epochs: 1, lr: 1 })).rejects.toThrow(/options.train.targets\[\d+\] must be a token id from 0 to 4/);
    tf.dispose(Object.values(params.hidden).concat(Object.values(params.output), [params.embedding]));
  });
});
