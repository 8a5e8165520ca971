import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { serializeSafetensors } from '@nlpkit/tensor';
import { describeBackends } from '@nlpkit/tensor/testing';
import { flattenParams } from '@nlpkit/train';
import { expect, it } from 'vitest';
import { toyNer } from '../../test/tagging/toyNer.js';
import { RnnModelFormatError, RnnShapeError } from '../errors.js';
import { initSequenceTagger, type SequenceTaggerConfig } from './sequenceTagger.js';
import { decodeSequenceTagger, encodeSequenceTagger } from './sequenceTaggerArtifact.js';
import { sequenceTagger } from './sequenceTaggerModel.js';
import { buildTaggerVocabularies } from './taggerData.js';

const data = toyNer(30, 1);

function model(chars: boolean, output: 'crf' | 'softmax' = 'crf') {
  const vocabularies = buildTaggerVocabularies(data, { chars });
  const config: SequenceTaggerConfig = {
    encoder: 'bilstm', output, wordVocabSize: vocabularies.words.size, numTags: vocabularies.tags.length, wordEmbeddingSize: 6, hiddenSize: 5, layers: 2,
    scheme: 'IOB2', lowercase: true,
    ...(chars ? { chars: { vocabSize: (vocabularies.chars as { size: number }).size, embeddingSize: 3, hiddenSize: 2 } } : {}),
  };
  return { config, vocabularies, params: initSequenceTagger(config, createRng(9)) };
}

describeBackends('sequence tagger artifact', () => {
  it('encode → decode gives the same config, vocabularies, weights and predictions (float16: same shapes, weights within half precision)', () => {
    for (const chars of [true, false]) {
      const m = model(chars);
      const sentences = data.slice(0, 5).map((s) => s.words);
      const expected = sequenceTagger(m).predict(sentences);
      const bytes = encodeSequenceTagger(m, { meta: { recipe: 'test' } });
      const a = decodeSequenceTagger(bytes);
      expect(a.config).toEqual(m.config);
      expect(a.vocabularies.words.tokens).toEqual(m.vocabularies.words.tokens);
      expect(a.vocabularies.chars?.tokens).toEqual(m.vocabularies.chars?.tokens);
      expect(a.vocabularies.tags).toEqual(m.vocabularies.tags);
      expect(a.meta).toEqual({ recipe: 'test' });
      const before = Object.fromEntries(Object.entries(flattenParams(m.params)).map(([k, t]) => [k, Array.from(t.dataSync())]));
      const after = Object.fromEntries(Object.entries(flattenParams(a.params)).map(([k, t]) => [k, Array.from(t.dataSync())]));
      expect(after).toEqual(before);
      expect(a.tagger.predict(sentences)).toEqual(expected);
      a.dispose();
      const half = decodeSequenceTagger(encodeSequenceTagger(m, { dtype: 'float16' }));
      for (const [k, t] of Object.entries(flattenParams(half.params))) {
        const orig = before[k] as number[];
        Array.from(t.dataSync()).forEach((v, i) => expect(Math.abs(v - (orig[i] as number))).toBeLessThanOrEqual(Math.abs(orig[i] as number) * 1e-3 + 1e-7));
      }
      expect(bytes.length / encodeSequenceTagger(m, { dtype: 'float16' }).length).toBeGreaterThan(1.3);
      half.dispose();
      tf.dispose(Object.values(flattenParams(m.params)));
    }
  });

  it('refuses bytes of another format, a config that does not match the weights, and vocabularies of another size', () => {
    const m = model(false);
    const bytes = encodeSequenceTagger(m);
    expect(() => decodeSequenceTagger(serializeSafetensors(new Map(), { format: 'nlpkit-recurrent-lm/1' }))).toThrow(RnnModelFormatError);
    // A config edited to another hidden size: the weights no longer fit.
    const edited = { ...m, config: { ...m.config, hiddenSize: 7 } };
    expect(() => encodeSequenceTagger(edited)).toThrow(RnnShapeError);
    // The same bytes with the config's hiddenSize edited in place (same length, so the header stays valid).
    const header = new TextDecoder().decode(bytes.subarray(0, 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true))));
    const at = header.indexOf('hiddenSize\\":5');
    expect(at).toBeGreaterThan(0);
    const swapped = bytes.slice();
    swapped[at + 'hiddenSize\\":'.length] = '4'.charCodeAt(0);
    expect(() => decodeSequenceTagger(swapped)).toThrowErrorMatchingInlineSnapshot(
      `[RnnShapeError: @nlpkit/rnn: weights "rnn.layers.0.forward.wIh" must be of shape [6, 16] for config {"encoder":"bilstm","output":"crf","wordVocabSize":${m.config.wordVocabSize},"numTags":7,"wordEmbeddingSize":6,"hiddenSize":4,"layers":2,"scheme":"IOB2","lowercase":true}, got [6, 20]]`,
    );
    const fewerTags = { ...m, vocabularies: { ...m.vocabularies, tags: m.vocabularies.tags.slice(1) } };
    expect(() => encodeSequenceTagger(fewerTags)).toThrow(/options.vocabularies.tags must be config.numTags/);
    tf.dispose(Object.values(flattenParams(m.params)));
  });

  it('softmax taggers decode under the scheme too: never an I- tag the scheme forbids', () => {
    const m = model(false, 'softmax');
    // Push every score towards I-LOC: the argmax would emit I-LOC after O; constrained decoding may not.
    const iLoc = m.vocabularies.tags.indexOf('I-LOC');
    const b = Array.from(m.params.output.b!.dataSync());
    b[iLoc] = 50;
    const params = { ...m.params, output: { w: m.params.output.w, b: tf.tensor1d(b) } };
    const tags = sequenceTagger({ ...m, params }).predict([['the', 'office', 'in', 'Rome']]);
    expect(tags[0]).not.toContain(undefined);
    expect(tags[0]![0]).not.toBe('I-LOC');
    expect(() => sequenceTagger({ ...m, params, config: { ...m.config, scheme: undefined } }).predictSpans([['a']])).toThrow(/config.scheme/);
    expect(sequenceTagger({ ...m, params, config: { ...m.config, scheme: undefined } }).predict([['a', 'b']])).toEqual([['I-LOC', 'I-LOC']]);
    tf.dispose([...Object.values(flattenParams(m.params)), params.output.b]);
  });
});
