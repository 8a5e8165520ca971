import { readFileSync } from 'node:fs';
import { evaluatePerplexity } from '@nlpkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPtb, ptb } from '../test/ptbData.js';
import { BackoffLanguageModel } from './backoffLanguageModel.js';
import { loadBinaryModel, toBinaryModel } from './binaryModel.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { kenlmWords } from './kenlmWords.js';
import { readArpa } from './readArpa.js';
import { Utf8TextScorer } from './utf8TextScorer.js';
import { writeArpa } from './writeArpa.js';

/** `ngram eval`'s scorer over `bytes`, fed in chunks of `chunk` bytes. */
function scored(model: BackoffLanguageModel, bytes: Uint8Array, chunk: number): unknown {
  const scorer = new Utf8TextScorer(model);
  for (let at = 0; at < bytes.length; at += chunk) scorer.push(bytes.subarray(at, at + chunk));
  return scorer.end();
}

// The models as `ngram eval` reads them: the fast ARPA reader (its byte word table handed to the scorer) and the
// binary loader (its vocabulary bytes), each against the same model with no table given (words encoded one by
// one) and against core's evaluatePerplexity over the text split as KenLM's query splits it.
describe('Utf8TextScorer on PTB valid, order 3 estimated on PTB train', ptb.options, () => {
  let bytes: Uint8Array;
  let expected: unknown;
  let fromArpa: BackoffLanguageModel;
  let fromBinary: BackoffLanguageModel;
  beforeAll(() => {
    const { model } = estimateKneserNey(loadPtb('train'), { order: 3 });
    fromArpa = readArpa(writeArpa(model));
    fromBinary = loadBinaryModel(toBinaryModel(model));
    // As a user would score it: the raw file, <unk> renamed UNK as in training, read as a Node Buffer.
    bytes = Buffer.from(readFileSync(ptb.path('ptb/ptb.valid.txt'), 'utf8').replaceAll('<unk>', 'UNK'));
    const lines = new TextDecoder().decode(bytes).split('\n');
    if (lines.at(-1) === '') lines.pop();
    expected = evaluatePerplexity(model, lines.map((line) => kenlmWords(line, 'query')));
  });

  it('gives the same totals, bit for bit, from the ARPA reader and the binary loader', () => {
    expect(fromArpa.data.utf8Words).toBeDefined();
    expect(fromBinary.data.wordBytes).toBeDefined();
    for (const model of [fromArpa, fromBinary]) {
      const { utf8Words: _table, wordBytes: _bytes, ...plain } = model.data;
      for (const chunk of [1 << 20, 4099]) {
        expect(scored(model, bytes, chunk)).toEqual(expected);
        expect(scored(new BackoffLanguageModel(plain), bytes, chunk)).toEqual(expected);
      }
    }
  });
});
