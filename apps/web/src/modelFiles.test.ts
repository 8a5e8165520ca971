import { topK } from '@nlpkit/core';
import { estimateKneserNey, toBinaryModel, writeArpa } from '@nlpkit/ngram';
import { describe, expect, it } from 'vitest';
import { ngramModelFromBytes } from './modelFiles.js';

describe('ngramModelFromBytes', () => {
  const { model } = estimateKneserNey([['a', 'b', 'c'], ['a', 'b', 'd'], ['b', 'a']], { order: 2 });

  it('reads ARPA text and the binary format to the same model', () => {
    const arpa = ngramModelFromBytes(new TextEncoder().encode(writeArpa(model)));
    const binary = ngramModelFromBytes(toBinaryModel(model));
    expect(topK(arpa, ['a'], 3)).toEqual(topK(model, ['a'], 3));
    expect(topK(binary, ['a'], 3).map((t) => t.token)).toEqual(topK(model, ['a'], 3).map((t) => t.token));
  });

  it('names the format of a file that is neither', () => {
    expect(() => ngramModelFromBytes(new Uint8Array([0x1f, 0x8b, 8, 0]))).toThrow(/gzip/);
  });
});
