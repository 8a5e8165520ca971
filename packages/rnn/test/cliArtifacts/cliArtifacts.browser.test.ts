import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import * as rnn from '../../src/index.js';
import { browserInit } from '../browserInit.js';
import classifierUrl from '../fixtures/cli-artifacts/classifier.safetensors?url';
import expectedUrl from '../fixtures/cli-artifacts/expected.json?url';
import lmUrl from '../fixtures/cli-artifacts/lm.safetensors?url';
import taggerUrl from '../fixtures/cli-artifacts/tagger.safetensors?url';
import { artifactOutputs, type ArtifactOutputs } from './artifactOutputs.mjs';
import { expectSameOutputs } from './expectSameOutputs.js';

// A model saved by the CLI in Node loads in the browser build and gives the Node outputs, on every backend the
// browser has (cpu, wasm and, with the SwiftShader adapter, webgpu). The bytes are fetched as a web app would.

async function bytesAt(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  expect(response.ok, url).toBe(true);
  return new Uint8Array(await response.arrayBuffer());
}

describeBackends(
  'CLI-trained artifacts (LM, BiLSTM-CRF tagger, DAN classifier) in Chromium',
  (backend) => {
    // WebGPU here (headless, SwiftShader) cannot read back synchronously: the next-token distribution after
    // scoreToken (the synchronous LanguageModel contract) is compared on cpu and wasm only; everything else —
    // logits, sentence scores (scoreSentenceAsync), emission scores, tags (predictAsync), class probabilities —
    // on every backend.
    const sync = backend !== 'webgpu';
    it(`decode from fetched bytes and give the Node outputs within 1e-5 [${backend}${sync ? '' : ', asynchronous outputs'}]`, async () => {
      const bytes = { lm: await bytesAt(lmUrl), tagger: await bytesAt(taggerUrl), classifier: await bytesAt(classifierUrl) };
      const expected = JSON.parse(new TextDecoder().decode(await bytesAt(expectedUrl))) as ArtifactOutputs;
      expectSameOutputs(await artifactOutputs(rnn, bytes, { sync }), expected, { sync });
    });
  },
  { init: browserInit },
);
