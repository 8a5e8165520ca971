import { vocabularyFromTokens } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { classifierBatches } from './classifierBatches.js';
import { encodeClassificationExamples, labelList, parseClassificationTsv } from './classificationTsv.js';
import { classifierTokens } from './textClassifierConfig.js';

describe('classification TSV', () => {
  it('reads GLUE TSV (header, trailing space before the tab, blank lines, CRLF)', () => {
    const text = 'sentence\tlabel\r\nhide new secretions from the parental units \t0\r\n\r\nthat loves its characters \t1\n';
    expect(parseClassificationTsv(text)).toEqual({ texts: ['hide new secretions from the parental units', 'that loves its characters'], labels: ['0', '1'] });
    expect(parseClassificationTsv('label\tsentence\npos\tGood film\n')).toEqual({ texts: ['Good film'], labels: ['pos'] });
  });

  it('bad header, a row without a label and no rows are typed errors', () => {
    expect(() => parseClassificationTsv('text\tlabel\na\t1\n', 'dev.tsv')).toThrow(expect.objectContaining({ code: 'ERR_FORMAT', line: 1, argument: 'dev.tsv header (line 1)' }));
    expect(() => parseClassificationTsv('sentence\tlabel\na\t1\nno label here\n', 'dev.tsv')).toThrow(expect.objectContaining({ code: 'ERR_FORMAT', line: 3 }));
    expect(() => parseClassificationTsv('sentence\tlabel\n\n', 'dev.tsv')).toThrow(expect.objectContaining({ code: 'ERR_EMPTY_INPUT', argument: 'dev.tsv' }));
    expect(() => parseClassificationTsv('')).toThrow(expect.objectContaining({ code: 'ERR_FORMAT' }));
  });

  it('labels sort numerically or by code point; an unknown label names the example', () => {
    expect(labelList(['10', '2', '1', '2'])).toEqual(['1', '2', '10']);
    expect(labelList(['pos', 'neg', 'neutral'])).toEqual(['neg', 'neutral', 'pos']);
    const vocabulary = vocabularyFromTokens(['good', 'bad']);
    const tokens = (t: string): string[] => classifierTokens({ lowercase: true }, t);
    const ex = encodeClassificationExamples({ texts: ['Good  film', ''], labels: ['1', '0'] }, vocabulary, ['0', '1'], tokens);
    expect(ex).toEqual({ ids: [[vocabulary.id('good'), 1], [1]], labels: [1, 0] });
    expect(() => encodeClassificationExamples({ texts: ['good'], labels: ['2'] }, vocabulary, ['0', '1'], tokens, 'dev')).toThrow(
      expect.objectContaining({ code: 'ERR_UNKNOWN_NAME', argument: 'dev label of example 1' }),
    );
  });
});

describe('classifierBatches', () => {
  const lengths = Array.from({ length: 1000 }, (_, i) => 1 + ((i * 7919) % 50));

  it('covers every example once per epoch, is deterministic in (seed, epoch) and differs between epochs', () => {
    const a = classifierBatches(lengths, { batchSize: 32, seed: 3, epoch: 1 });
    expect(a.flat().sort((x, y) => x - y)).toEqual(lengths.map((_, i) => i));
    expect(a).toHaveLength(Math.ceil(1000 / 32));
    expect(classifierBatches(lengths, { batchSize: 32, seed: 3, epoch: 1 })).toEqual(a);
    expect(classifierBatches(lengths, { batchSize: 32, seed: 3, epoch: 2 })).not.toEqual(a);
    expect(classifierBatches(lengths, { batchSize: 32, seed: 4, epoch: 1 })).not.toEqual(a);
  });

  it('buckets by length (little padding) and keeps order when asked', () => {
    const spread = (batches: number[][]): number =>
      batches.reduce((s, b) => s + Math.max(...b.map((i) => lengths[i] as number)) - Math.min(...b.map((i) => lengths[i] as number)), 0) / batches.length;
    expect(spread(classifierBatches(lengths, { batchSize: 32, seed: 1 }))).toBeLessThan(5);
    expect(spread(classifierBatches(lengths, { batchSize: 32, seed: 1, bucketBatches: 1 }))).toBeGreaterThan(30);
    expect(classifierBatches([3, 1, 2], { batchSize: 2, seed: 0, ordered: true })).toEqual([[0, 1], [2]]);
    expect(() => classifierBatches(lengths, { batchSize: 0, seed: 1 })).toThrow(expect.objectContaining({ argument: 'options.batchSize' }));
  });
});
