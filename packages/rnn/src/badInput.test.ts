import * as tf from '@tensorflow/tfjs-core';
import { createRng, EmptyInputError, FormatError, NlpkitError, UnknownNameError, vocabularyFromTokens } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { RnnShapeError } from './errors.js';
import * as rnn from './index.js';

// The bad inputs issue 14 lists, for every model: out-of-range ids, a config that does not match the weights, an
// unknown cell type, empty data, a tag-scheme violation in training data. Each is a typed NlpkitError naming the
// argument, thrown before any work, and leaks no tensor.

/** Runs `f`, expects an error of `type` naming `argument` (exactly, or by a pattern). */
async function expectRefused(f: () => unknown, type: new (...args: never[]) => Error, argument: string | RegExp): Promise<void> {
  let error: unknown;
  try {
    await f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(type);
  expect(error).toBeInstanceOf(NlpkitError);
  const named = (error as NlpkitError).argument;
  if (typeof argument === 'string') expect(named).toBe(argument);
  else expect(named).toMatch(argument);
}

describeBackends('bad input to the models: typed errors naming the argument', () => {
  const rng = createRng(1);
  const vocabulary = vocabularyFromTokens(['a', 'b', 'c', 'd', 'e', 'f']); // 10 ids with the 4 specials
  const lm = { vocabSize: 10, embeddingSize: 4, hiddenSize: 4, layers: 1 };
  const window = { vocabSize: 10, context: 2, embeddingSize: 3, hiddenSize: 4 };
  const dan = { kind: 'dan', vocabSize: 10, numLabels: 2, embeddingSize: 3, hiddenSizes: [3] } as const;
  const bilstm = { kind: 'rnn', vocabSize: 10, numLabels: 2, embeddingSize: 3, hiddenSize: 3, layers: 1, bidirectional: true, pooling: 'max' } as const;
  const tagger = { encoder: 'bilstm', output: 'crf', wordVocabSize: 10, numTags: 3, wordEmbeddingSize: 3, hiddenSize: 3 } as const;

  it('out-of-range ids: as arrays (checked on the host) and as tensors (where the backend detects them), never a raw GatherV2 error', async () => {
    const before = tf.memory().numTensors;
    const lmParams = rnn.initRecurrentLm(lm, rng);
    const windowParams = rnn.initFixedWindowLm(window, rng);
    const danParams = rnn.initTextClassifier(dan, rng);
    const taggerParams = rnn.initSequenceTagger(tagger, rng);
    const tensorIds = tf.tensor2d([[1, 12]], undefined, 'int32');
    await expectRefused(() => rnn.recurrentLmForward(lm, lmParams, [[1, 10]]), RnnShapeError, 'ids[0][1]');
    await expectRefused(() => tf.tidy(() => rnn.recurrentLmForward(lm, lmParams, tensorIds).logits), RnnShapeError, 'ids');
    await expectRefused(() => rnn.fixedWindowLmForward(window, windowParams, [[1, 10]]), RnnShapeError, 'contexts[0][1]');
    await expectRefused(() => tf.tidy(() => rnn.fixedWindowLmForward(window, windowParams, tensorIds)), RnnShapeError, 'ids');
    await expectRefused(() => rnn.textClassifierLogits(dan, danParams, [[1, 10]], [2]), RnnShapeError, 'ids[0][1]');
    await expectRefused(() => tf.tidy(() => rnn.textClassifierLogits(dan, danParams, tensorIds, [2])), RnnShapeError, 'ids');
    await expectRefused(() => rnn.sequenceTaggerEmissions(tagger, taggerParams, { words: [[1, 10]], lengths: [2] }), RnnShapeError, 'batch.words[0][1]');
    await expectRefused(() => rnn.trainRecurrentLm({ config: lm, train: rnn.lmStreamFromIds([4, 5, 11, 3], 12), seed: 1, batchSize: 1, bptt: 2, epochs: 1, loss: 'perToken', lr: 1 }), RnnShapeError, /^options\.train\.(targets|inputs)\[\d+\]$/);
    expect(() => rnn.recurrentLmForward(lm, lmParams, [[1, 10]])).toThrowErrorMatchingInlineSnapshot(
      `[RnnShapeError: @nlpkit/rnn: ids[0][1] must be a token id from 0 to 9 (config.vocabSize 10), got 10]`,
    );
    tf.dispose([tensorIds, lmParams as never, windowParams as never, danParams as never, taggerParams as never]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a config that does not match the weights (hiddenSize, embeddingSize, layers) is refused where config and weights meet', async () => {
    const lmParams = rnn.initRecurrentLm(lm, rng);
    const windowParams = rnn.initFixedWindowLm(window, rng);
    const bilstmParams = rnn.initTextClassifier(bilstm, rng);
    const taggerParams = rnn.initSequenceTagger(tagger, rng);
    const wrongLm = { ...lm, hiddenSize: 5 };
    await expectRefused(() => rnn.recurrentLanguageModel({ config: wrongLm, params: lmParams, vocabulary }), RnnShapeError, 'options.params "rnn.layers.0.forward.wIh"');
    await expectRefused(() => rnn.recurrentLmForward(wrongLm, lmParams, [[1, 2]]), RnnShapeError, 'params "rnn.layers.0.forward.wIh"');
    await expectRefused(() => rnn.recurrentLmForward({ ...lm, embeddingSize: 5 }, lmParams, [[1, 2]]), RnnShapeError, 'params "embedding"');
    await expectRefused(() => rnn.recurrentLmForward({ ...lm, layers: 2 }, lmParams, [[1, 2]]), RnnShapeError, /^params "rnn\.layers\.1\./);
    await expectRefused(() => rnn.encodeRecurrentLm({ config: wrongLm, params: lmParams, vocabulary }), RnnShapeError, /^model\.params "/);
    await expectRefused(() => rnn.fixedWindowLmForward({ ...window, hiddenSize: 5 }, windowParams, [[1, 2]]), RnnShapeError, 'params "hidden.w"');
    await expectRefused(() => rnn.fixedWindowLanguageModel({ config: { ...window, hiddenSize: 5 }, params: windowParams, vocabulary }), RnnShapeError, 'options.params "hidden.w"');
    await expectRefused(() => rnn.textClassifierLogits({ ...bilstm, hiddenSize: 4 }, bilstmParams, [[1, 2]], [2]), RnnShapeError, /^params "rnn\.layers\.0\.forward\./);
    await expectRefused(() => rnn.sequenceTaggerEmissions({ ...tagger, hiddenSize: 4 }, taggerParams, { words: [[1, 2]], lengths: [2] }), RnnShapeError, /^params "rnn\./);
    const vocabularies = { words: vocabulary, tags: ['O', 'B-X', 'I-X'] };
    await expectRefused(() => rnn.sequenceTagger({ config: { ...tagger, hiddenSize: 4 }, params: taggerParams, vocabularies }), RnnShapeError, /^options\.params "rnn\./);
    expect(() => rnn.recurrentLmForward(wrongLm, lmParams, [[1, 2]])).toThrowErrorMatchingInlineSnapshot(
      `[RnnShapeError: @nlpkit/rnn: params "rnn.layers.0.forward.wIh" must be of shape [4, 20] for config {"vocabSize":10,"embeddingSize":4,"hiddenSize":5,"layers":1}, got [4, 16]]`,
    );
    tf.dispose([lmParams as never, windowParams as never, bilstmParams as never, taggerParams as never]);
  });

  it('an unknown cell type is refused by every model that takes one (LM, RNN classifier), and so is a tagger encoder', async () => {
    await expectRefused(() => rnn.initRecurrentLm({ ...lm, cell: { type: 'tree' } } as never, rng), UnknownNameError, 'config.cell.type');
    await expectRefused(() => rnn.trainRecurrentLm({ config: { ...lm, cell: { type: 'tree' } } as never, train: rnn.lmStreamFromIds([4, 5, 3], 10), seed: 1, batchSize: 1, bptt: 2, epochs: 1, loss: 'perToken', lr: 1 }), UnknownNameError, 'options.config.cell.type');
    await expectRefused(() => rnn.checkTextClassifierConfig({ ...bilstm, cell: { type: 'tree' } } as never), UnknownNameError, 'config.cell.type');
    await expectRefused(() => rnn.checkSequenceTaggerConfig({ ...tagger, encoder: 'gru' } as never), NlpkitError, 'config.encoder');
  });

  it('empty data: no sentences, no examples, no tagged sentences, an empty sentence', async () => {
    const base = { seed: 1, epochs: 1, lr: 1 };
    await expectRefused(() => rnn.trainRecurrentLm({ ...base, config: lm, train: rnn.lmStream([], vocabulary), batchSize: 1, bptt: 2, loss: 'perToken' }), EmptyInputError, 'sentences');
    await expectRefused(() => rnn.trainRecurrentLm({ ...base, config: lm, train: rnn.lmStreamFromIds([3], 10), batchSize: 2, bptt: 2, loss: 'perToken' }), EmptyInputError, 'stream');
    await expectRefused(() => rnn.trainTextClassifier({ ...base, config: dan, train: { ids: [], labels: [] }, batchSize: 2 }), EmptyInputError, 'options.train');
    const model = { encoder: 'window', output: 'softmax', wordEmbeddingSize: 2, hiddenSize: 2 } as const;
    await expectRefused(() => rnn.trainSequenceTagger({ ...base, model, train: [] }), EmptyInputError, 'options.train');
    await expectRefused(() => rnn.trainSequenceTagger({ ...base, model, train: [{ words: [], tags: [] }] }), FormatError, 'options.train[0].words');
  });

  it('a tag-scheme violation in training data names the sentence and the position', async () => {
    const model = { encoder: 'window', output: 'softmax', wordEmbeddingSize: 2, hiddenSize: 2, scheme: 'IOB2' } as const;
    const train = [{ words: ['a', 'b'], tags: ['B-X', 'I-X'] }, { words: ['a', 'b'], tags: ['O', 'I-X'] }];
    await expectRefused(() => rnn.trainSequenceTagger({ model, train, seed: 1, epochs: 1 }), FormatError, 'options.train[1].tags[1]');
  });
});
