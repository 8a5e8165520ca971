import { readFileSync } from 'node:fs';
import { describeBackends } from '@nlpkit/tensor/testing';
import { it } from 'vitest';
import * as rnn from '../../src/index.js';
import { artifactOutputs, type ArtifactOutputs } from './artifactOutputs.mjs';
import { expectSameOutputs } from './expectSameOutputs.js';

// Models written by `nlpkit lm|tag|classify train` (scripts/golden/rnn/cli-artifacts.mjs) give, decoded from their
// bytes by the sources, the outputs recorded when they were made; the browser suite (cliArtifacts.browser.test.ts)
// checks the same fixture in Chromium, so drift shows on either side.
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../fixtures/cli-artifacts/${name}`, import.meta.url)));
const expected = JSON.parse(new TextDecoder().decode(fixture('expected.json'))) as ArtifactOutputs;

describeBackends('CLI-trained artifacts (LM, BiLSTM-CRF tagger, DAN classifier) in Node', () => {
  it('decode and give the recorded log-probabilities, tags, emission scores and class probabilities within 1e-5', async () => {
    const bytes = { lm: fixture('lm.safetensors'), tagger: fixture('tagger.safetensors'), classifier: fixture('classifier.safetensors') };
    expectSameOutputs(await artifactOutputs(rnn, bytes), expected);
  });
});
