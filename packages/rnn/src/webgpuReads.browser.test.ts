import * as tf from '@tensorflow/tfjs-core';
import { createRng, UnsupportedError, vocabularyFromTokens } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { browserInit, useTiledMatMulOnWebgpu } from '../test/browserInit.js';
import { toyNer } from '../test/tagging/toyNer.js';
import { lmStreamFromIds } from './data/lmStream.js';
import { recurrentLanguageModel } from './models/recurrentLanguageModel.js';
import { decodeRecurrentLm, encodeRecurrentLm, encodeRecurrentLmAsync } from './models/recurrentLmArtifact.js';
import { trainRecurrentLm, type TrainRecurrentLmOptions } from './models/trainRecurrentLm.js';
import { initSequenceTagger, sequenceTaggerEmissions, type SequenceTaggerConfig } from './tagging/sequenceTagger.js';
import { decodeSequenceTagger, encodeSequenceTaggerAsync } from './tagging/sequenceTaggerArtifact.js';
import { sequenceTagger } from './tagging/sequenceTaggerModel.js';
import { buildTaggerVocabularies, encodeTaggerBatch } from './tagging/taggerData.js';
import { viterbiDecodeAsync } from './tagging/viterbi.js';

// What a user runs on webgpu — training with clipping, checkpoint save and resume, artifact save and load, LM
// scoring, tagger prediction with CRF Viterbi — reads tensors only asynchronously: tfjs-backend-webgpu's
// synchronous read returns zeros in headless Chromium (SwiftShader). The same scenario runs on cpu first; webgpu
// must give its numbers within 1e-5 (and the same tags).

interface Outcome {
  scores: number[];
  resumedScores: number[];
  emissions: number[];
  tags: string[][];
}
const outcomes = new Map<string, Outcome>();

// 4 specials + 6 words = 10 ids; the stream cycles through a 7-token pattern.
const vocabulary = vocabularyFromTokens(['a', 'b', 'c', 'd', 'e', 'f']);
const ids = Array.from({ length: 60 }, (_, i) => [4, 5, 6, 3, 7, 8, 3][i % 7] as number);
const sentences = [['a', 'b', 'c'], ['d', 'e', 'zzz', 'f']];
const nerData = toyNer(6, 1);

async function lmScores(lm: { scoreSentenceAsync(s: readonly string[]): Promise<{ log10Prob: number }> }): Promise<number[]> {
  const out: number[] = [];
  for (const s of sentences) out.push((await lm.scoreSentenceAsync(s)).log10Prob);
  return out;
}

async function scenario(backend: string): Promise<Outcome> {
  const config = { vocabSize: vocabulary.size, embeddingSize: 4, hiddenSize: 4, layers: 1 };
  const checkpoints: Uint8Array[] = [];
  const options: TrainRecurrentLmOptions = {
    config, train: lmStreamFromIds(ids, config.vocabSize), seed: 3, batchSize: 2, bptt: 5, epochs: 2, loss: 'sumOverTime', lr: 0.5, clipNorm: 0.5, logEvery: 3,
    checkpoint: (bytes) => void checkpoints.push(bytes),
  };
  const run = await trainRecurrentLm(options);
  expect(checkpoints.length).toBeGreaterThanOrEqual(2);
  const lm = recurrentLanguageModel({ config, params: run.params, vocabulary });
  const scores = await lmScores(lm);
  expect(scores.every(Number.isFinite)).toBe(true);
  if (backend === 'webgpu') {
    expect(() => lm.scoreSentence(['a'])).toThrow(UnsupportedError);
    expect(() => lm.startState()).toThrow(/scoreSentenceAsync/);
    expect(() => encodeRecurrentLm({ config, params: run.params, vocabulary })).toThrow(/encodeRecurrentLmAsync/);
  }

  // Artifact: save, load, same scores (float32 weights: bit for bit).
  const artifact = decodeRecurrentLm(await encodeRecurrentLmAsync({ config, params: run.params, vocabulary }));
  expect(await lmScores(artifact.model)).toEqual(scores);
  artifact.dispose();

  // Checkpoint: resume from the first epoch's checkpoint, train the second epoch again: the same model.
  const resumed = await trainRecurrentLm({ ...options, checkpoint: () => undefined, resume: checkpoints[0] as Uint8Array });
  const resumedScores = await lmScores(recurrentLanguageModel({ config, params: resumed.params, vocabulary }));
  resumed.dispose();
  run.dispose();

  // Tagger: BiLSTM-CRF with a scheme, predicted in batches; the artifact predicts the same.
  const vocabularies = buildTaggerVocabularies(nerData, { chars: false });
  const taggerConfig: SequenceTaggerConfig = {
    encoder: 'bilstm', output: 'crf', wordVocabSize: vocabularies.words.size, numTags: vocabularies.tags.length,
    wordEmbeddingSize: 4, hiddenSize: 3, scheme: 'IOB2', lowercase: true,
  };
  const params = initSequenceTagger(taggerConfig, createRng(5));
  const words = nerData.map((s) => s.words);
  const tagger = sequenceTagger({ config: taggerConfig, params, vocabularies });
  const tags = await tagger.predictAsync(words, { batchSize: 4 });
  const batch = encodeTaggerBatch(taggerConfig, vocabularies, words);
  const emissionsTensor = tf.tidy(() => sequenceTaggerEmissions(taggerConfig, params, batch));
  const paths = await viterbiDecodeAsync(params.crf as NonNullable<typeof params.crf>, emissionsTensor, batch.lengths, tagger.constraints);
  expect(paths.map((p) => p.map((id) => vocabularies.tags[id]))).toEqual(tags);
  const emissions = Array.from(await emissionsTensor.data());
  emissionsTensor.dispose();
  if (backend === 'webgpu') expect(() => tagger.predict(words)).toThrow(/predictAsync/);
  const loaded = decodeSequenceTagger(await encodeSequenceTaggerAsync({ config: taggerConfig, params, vocabularies }));
  expect(await loaded.tagger.predictSpansAsync(words)).toEqual(await tagger.predictSpansAsync(words));
  loaded.dispose();
  tf.dispose(params as never);
  return { scores, resumedScores, emissions, tags };
}

describeBackends(
  'webgpu reads asynchronously (train, checkpoint, artifact, LM scores, CRF tagger)',
  (backend) => {
    useTiledMatMulOnWebgpu(backend);
    it('runs the scenario and matches the cpu backend', async () => {
      const before = tf.memory().numTensors;
      const outcome = await scenario(backend);
      expect(tf.memory().numTensors).toBe(before);
      // Resuming from a checkpoint gives the uninterrupted run's model.
      for (const [i, s] of outcome.resumedScores.entries()) expect(s).toBeCloseTo(outcome.scores[i] as number, 5);
      outcomes.set(backend, outcome);
      const cpu = outcomes.get('cpu');
      if (backend === 'cpu' || cpu === undefined) return;
      expect(outcome.tags).toEqual(cpu.tags);
      const close = (a: number[], b: number[], what: string): void => {
        expect(a.length, what).toBe(b.length);
        const worst = Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));
        expect(worst, what).toBeLessThan(1e-5);
      };
      close(outcome.scores, cpu.scores, 'LM log10 scores');
      close(outcome.resumedScores, cpu.resumedScores, 'LM log10 scores after resume');
      close(outcome.emissions, cpu.emissions, 'tagger emissions');
    }, 60_000);
  },
  { init: browserInit, backends: ['cpu', 'webgpu'] },
);
