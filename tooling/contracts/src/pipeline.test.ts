/**
 * The composition test of the contracts issue: raw text → @nlpkit/text → one core Vocabulary → an n-gram model
 * (@nlpkit/ngram) and an LSTM language model (@nlpkit/rnn, trained with @nlpkit/train) → one evaluatePerplexity
 * → interpolateModels of the two, with no adapter code: every value goes from one package to the next as it is.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  buildVocabulary,
  collect,
  evaluatePerplexity,
  generate,
  interpolateModels,
  topK,
  tuneInterpolationWeights,
  type Token,
} from '@nlpkit/core';
import { perplexityFromScores } from '@nlpkit/metrics';
import { estimateKneserNey } from '@nlpkit/ngram';
import { initRecurrentLm, recurrentLanguageModel, recurrentLmForward, recurrentLmLoss, type RecurrentLmConfig } from '@nlpkit/rnn';
import { createRng } from '@nlpkit/core';
import { initBackend } from '@nlpkit/tensor';
import { padSequences, whitespaceTokenize, batch } from '@nlpkit/text';
import { readLines } from '@nlpkit/text/node';
import { adam, flattenParams, trainStep, unflattenParams } from '@nlpkit/train';
import { beforeAll, describe, expect, it } from 'vitest';

const ptb = (name: string): URL => new URL(`../../../test-data/ptb/${name}`, import.meta.url);

describe('text → vocabulary → n-gram and LSTM → evaluatePerplexity → interpolateModels', () => {
  let train: Token[][];
  let test: Token[][];

  beforeAll(async () => {
    await initBackend({ prefer: ['wasm', 'cpu'] });
    // Raw lines of the PTB language-modelling files (committed under test-data/), tokenized with offsets.
    train = (await collect(readLines(ptb('ptb.train.txt')))).slice(0, 1000).map(whitespaceTokenize);
    test = (await collect(readLines(ptb('ptb.test.txt')))).slice(0, 100).map(whitespaceTokenize);
  });

  it('chains every package with no glue', async () => {
    // n-gram: text's Tokens go straight in; an async reader works as well (a promise then).
    const kn = estimateKneserNey(train, { order: 3 }).model;
    const knFromFile = await estimateKneserNey(
      (async function* () {
        yield* train;
      })(),
      { order: 3 },
    );
    expect(evaluatePerplexity(knFromFile.model, test).perplexity).toBe(evaluatePerplexity(kn, test).perplexity);

    // One vocabulary for the neural model, built from the same Tokens.
    const vocabulary = buildVocabulary(train, { minCount: 3 });
    const config: RecurrentLmConfig = { vocabSize: vocabulary.size, embeddingSize: 32, hiddenSize: 32, layers: 1 };
    const init = initRecurrentLm(config, createRng(1), 0.1);
    const vars = Object.fromEntries(Object.entries(flattenParams(init)).map(([k, t]) => [k, tf.variable(t)]));
    const params = unflattenParams(init, vars);
    const optimizer = adam();
    const losses: number[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const sentences of batch(train, 32)) {
        // Inputs start with <s>, targets end with </s>: the same lengths, one position apart.
        const inputs = padSequences(sentences.map((s) => vocabulary.encode(s, { bos: true })));
        const targets = padSequences(sentences.map((s) => vocabulary.encode(s, { eos: true })));
        const step = trainStep(
          vars,
          () => recurrentLmLoss(recurrentLmForward(config, params, inputs.ids, { lengths: inputs.lengths }).logits, targets.ids, {
            lengths: targets.lengths,
          }),
          optimizer,
          0.01,
          { maxNorm: 5 },
        );
        losses.push((await step.read()).loss);
      }
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]! - 1);
    const lstm = recurrentLanguageModel({ config, params, vocabulary });

    // One evaluatePerplexity for both models; metrics reads the same log10 scores to the same number.
    const knPpl = evaluatePerplexity(kn, test);
    const lstmPpl = evaluatePerplexity(lstm, test);
    expect(lstmPpl.tokens).toBe(knPpl.tokens);
    expect(lstmPpl.perplexity).toBeLessThan(vocabulary.size / 3);
    expect(knPpl.perplexity).toBeLessThan(1000);
    const fromMetrics = perplexityFromScores(test.map((s) => kn.scoreSentence(s)));
    expect(fromMetrics.perplexity).toBeCloseTo(knPpl.perplexity, 9);

    // Interpolation of the two, with weights tuned by EM on the test text: no worse than either model alone.
    const fit = tuneInterpolationWeights([kn, lstm], test);
    const mixed = interpolateModels([kn, lstm], fit.weights);
    const mixedPpl = evaluatePerplexity(mixed, test);
    expect(mixedPpl.perplexity).toBeCloseTo(fit.perplexity, 6);
    expect(mixedPpl.perplexity).toBeLessThan(knPpl.perplexity);
    expect(mixedPpl.perplexity).toBeLessThanOrEqual(lstmPpl.perplexity * (1 + 1e-9));
    expect(fit.weights[1]!).toBeGreaterThan(0.01);

    // Generation and next-token ranking work on every model, the mixture included.
    for (const model of [kn, lstm, mixed]) {
      const words = generate(model, { rng: 5, maxTokens: 12, topP: 0.9 });
      expect(words.length).toBeLessThanOrEqual(12);
      expect(topK(model, ['the'], 3)).toHaveLength(3);
    }
    for (const v of Object.values(vars)) v.dispose();
  });
});

