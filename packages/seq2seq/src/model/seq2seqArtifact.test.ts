import * as tf from '@tensorflow/tfjs-core';
import { createRng, NlpkitError, vocabularyFromTokens } from '@nlpkit/core';
import { parseSafetensors, serializeSafetensors } from '@nlpkit/tensor';
import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { Seq2seqShapeError } from '../errors.js';
import { decodeSeq2seq, encodeSeq2seq } from './seq2seqArtifact.js';
import { initSeq2seq } from './initSeq2seq.js';
import type { Seq2seqConfig } from './seq2seqConfig.js';
import { seq2seqDecoderSession } from './seq2seqDecoderSession.js';

const sourceVocabulary = vocabularyFromTokens(['ein', 'hund', 'läuft', '.', 'katze']);
const targetVocabulary = vocabularyFromTokens(['a', 'dog', 'runs', '.']);
const config: Seq2seqConfig = {
  sourceVocabSize: sourceVocabulary.size, targetVocabSize: targetVocabulary.size, embeddingSize: 6, hiddenSize: 8, encoderLayers: 1, decoderLayers: 2,
  cell: 'lstm', bidirectional: true, reverseSource: true, bridge: 'dense', attention: 'general', inputFeeding: true, dropout: 0.1,
};

function firstStep(model: Parameters<typeof seq2seqDecoderSession>[0]): number[][] {
  const session = seq2seqDecoderSession(model, [[4, 5, 6, 3]]);
  const state = session.start(Int32Array.from([0]));
  const out = session.step(state, Int32Array.from([session.bosId]));
  const values = out.logProbs.arraySync();
  tf.dispose([out.logProbs, out.attention]);
  session.disposeState(state);
  session.disposeState(out.state);
  session.dispose();
  return values;
}

/** The bytes with one metadata entry replaced. */
function withMetadata(bytes: Uint8Array, key: string, value: string): Uint8Array {
  const parsed = parseSafetensors(bytes);
  return serializeSafetensors(parsed.tensors, { ...parsed.metadata, [key]: value });
}

describeBackends('seq2seq artifact', () => {
  it('round-trips config, vocabularies, meta and weights (float32 exact, float16 close)', () => {
    const params = initSeq2seq(config, createRng(2));
    const model = { config, params, sourceVocabulary, targetVocabulary };
    const bytes = encodeSeq2seq(model, { meta: { note: 'test' } });
    const a = decodeSeq2seq(bytes);
    expect(a.config).toEqual(config);
    expect(a.sourceVocabulary.tokens).toEqual(sourceVocabulary.tokens);
    expect(a.targetVocabulary.tokens).toEqual(targetVocabulary.tokens);
    expect(a.meta).toEqual({ note: 'test' });
    for (const [k, t] of Object.entries(params)) expect(Array.from(a.params[k]?.dataSync() ?? []), k).toEqual(Array.from(t.dataSync()));
    expect(firstStep(a)).toEqual(firstStep(model));
    const half = decodeSeq2seq(encodeSeq2seq(model, { dtype: 'float16' }));
    expect(half.params['output.w']?.dtype).toBe('float32');
    const x = (half.params['output.w'] as tf.Tensor).dataSync();
    (params['output.w'] as tf.Tensor).dataSync().forEach((v, i) => expect(Math.abs((x[i] as number) - v)).toBeLessThan(1e-3));
    const weights = Object.values(params).reduce((n, t) => n + t.size, 0);
    // Two bytes saved per weight; the JSON header's offsets differ by a few digits.
    expect(Math.abs(bytes.length - encodeSeq2seq(model, { dtype: 'float16' }).length - 2 * weights)).toBeLessThan(64);
    a.dispose();
    half.dispose();
    tf.dispose(Object.values(params));
  });

  it('refuses bad models and bytes with typed errors', () => {
    const params = initSeq2seq(config, createRng(2));
    const model = { config, params, sourceVocabulary, targetVocabulary };
    expect(() => encodeSeq2seq({ ...model, targetVocabulary: sourceVocabulary })).toThrow(Seq2seqShapeError);
    expect(() => encodeSeq2seq({ ...model, config: { ...config, hiddenSize: 10 } })).toThrow(/shape/);
    expect(() => encodeSeq2seq(model, { dtype: 'bfloat16' as never })).toThrow(/options\.dtype/);
    const bytes = encodeSeq2seq(model);
    expect(() => decodeSeq2seq(withMetadata(bytes, 'format', 'nlpkit-recurrent-lm/1'))).toThrow(/format/);
    expect(() => decodeSeq2seq(withMetadata(bytes, 'config', JSON.stringify({ ...config, hiddenSize: 10 })))).toThrow(/of shape/);
    expect(() => decodeSeq2seq(withMetadata(bytes, 'config', JSON.stringify({ ...config, attention: 'luong' })))).toThrow(/config\.attention/);
    expect(() => decodeSeq2seq(withMetadata(bytes, 'config', JSON.stringify({ ...config, targetVocabSize: 20 })))).toThrow(/targetVocabulary/);
    expect(() => decodeSeq2seq(withMetadata(bytes, 'sourceVocabulary', '{'))).toThrow(/sourceVocabulary/);
    expect(() => decodeSeq2seq(bytes.slice(0, 40))).toThrow(NlpkitError);
    tf.dispose(Object.values(params));
  });
});
