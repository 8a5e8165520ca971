import { InvalidArgumentError, scoreSentenceByTokens, type SentenceScore } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { createPerplexity, perplexity, perplexityFromScores } from './index.js';

async function* asyncOf<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

describe('perplexity', () => {
  it('is the inverse geometric mean of token probabilities, per token over the corpus', () => {
    const result = perplexity([[Math.log(0.5), Math.log(0.25)], [Math.log(0.125)]], { base: 'e' });
    // 3 tokens, probabilities 1/2, 1/4, 1/8: cross-entropy (ln 2 + ln 4 + ln 8) / 3 = 2 ln 2, perplexity 4.
    expect(result.tokens).toBe(3);
    expect(result.crossEntropy).toBeCloseTo(2 * Math.LN2, 14);
    expect(result.perplexity).toBeCloseTo(4, 12);
    expect(result.bits).toBeCloseTo(2, 14);
    expect(result.nats).toBeCloseTo(2 * Math.LN2, 14);
    expect(result.sentences.map((s) => s.perplexity)).toEqual([expect.closeTo(Math.sqrt(8), 12), expect.closeTo(8, 12)]);
  });
  it('gives the same perplexity for log-probabilities in base e, 2 and 10; cross-entropy is in the input base', () => {
    const probs = [0.3, 0.05, 0.9, 0.41];
    const e = perplexity([probs.map(Math.log)], { base: 'e' });
    const two = perplexity([probs.map(Math.log2)], { base: 2 });
    const ten = perplexity([probs.map(Math.log10)], { base: 10 });
    expect(two.perplexity).toBeCloseTo(e.perplexity, 12);
    expect(ten.perplexity).toBeCloseTo(e.perplexity, 12);
    expect(two.crossEntropy).toBeCloseTo(e.crossEntropy / Math.LN2, 12);
    expect(ten.crossEntropy).toBeCloseTo(e.crossEntropy / Math.LN10, 12);
    expect(ten.bits).toBeCloseTo(e.bits, 12);
  });
  it('requires the base: the same log10 scores read as nats would give another perplexity', () => {
    const log10 = [[-0.30103, -0.60206]];
    expect(() => perplexity(log10, {} as never)).toThrow(InvalidArgumentError);
    expect(() => perplexity(log10, undefined as never)).toThrow(/\{ base: 10 \} for log10 scores/);
    expect(() => createPerplexity({} as never)).toThrow(/\{ base: 'e' \} for natural logs/);
    expect(perplexity(log10, { base: 10 }).perplexity).toBeCloseTo(Math.sqrt(8), 4);
    expect(perplexity(log10, { base: 'e' }).perplexity).not.toBeCloseTo(Math.sqrt(8), 1);
  });
  it('ignores padding given as a mask or as lengths', () => {
    const padded = [
      [Math.log(0.5), Math.log(0.5), 0],
      [Math.log(0.25), -99, -99],
    ];
    const byMask = perplexity(padded, { base: 'e', padding: { mask: [[1, 1, 0], [true, false, false]] } });
    const byLengths = perplexity(padded, { base: 'e', padding: { lengths: [2, 1] } });
    const unpadded = perplexity([[Math.log(0.5), Math.log(0.5)], [Math.log(0.25)]], { base: 'e' });
    expect(byMask).toEqual(unpadded);
    expect(byLengths).toEqual(unpadded);
  });
  it('takes typed-array rows, as a tensor gives them', () => {
    const rows = [[Math.log(0.5), Math.log(0.25)], [Math.log(0.125)]];
    const want = perplexity(rows, { base: 'e' });
    expect(perplexity([Float64Array.from(rows[0]!), Float64Array.from(rows[1]!)], { base: 'e' })).toEqual(want);
    expect(perplexity([Float32Array.from(rows[0]!)], { base: 'e' }).perplexity).toBeCloseTo(Math.sqrt(8), 5);
  });
  it('gives NaN for a sentence that is all padding, and infinity for a zero-probability token', () => {
    const result = perplexity([[Math.log(0.5)], [-1]], { base: 'e', padding: { lengths: [1, 0] } });
    expect(result.sentences[1]).toEqual({ crossEntropy: Number.NaN, perplexity: Number.NaN, tokens: 0 });
    expect(perplexity([[-Infinity, Math.log(0.5)]], { base: 'e' }).perplexity).toBe(Infinity);
  });
  it('reads sentences from iterables and async iterables, padding in step with them', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [-(i % 7) - 0.5, -0.25, -9]);
    const lengths = rows.map((_, i) => 1 + (i % 3));
    const want = perplexity(rows, { base: 2, padding: { lengths } });
    expect(perplexity(rows.values(), { base: 2, padding: { lengths } })).toEqual(want);
    const fromAsync = perplexity(asyncOf(rows), { base: 2, padding: { lengths } });
    expect(fromAsync).toBeInstanceOf(Promise);
    expect(await fromAsync).toEqual(want);
    expect(() => perplexity(rows.values(), { base: 2, padding: { lengths: lengths.slice(1) } })).toThrowErrorMatchingInlineSnapshot(`[LengthMismatchError: @nlpkit/metrics: options.padding.lengths must be 3000 lengths (one per sentence), got 2999]`);
  });
  it('rejects NaN and positive log-probabilities with a typed error, leaving a streaming metric unchanged', () => {
    const metric = createPerplexity({ base: 'e' }).update([[Math.log(0.5)]]);
    expect(() => metric.update([[Math.log(0.5)], [-1, Number.NaN]])).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: logProbs[2][1] must be a log-probability (a number ≤ 0, not NaN), got NaN]`);
    expect(() => perplexity([[0.5]], { base: 'e' })).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: logProbs[0][0] must be a log-probability (a number ≤ 0, not NaN), got 0.5]`);
    expect(metric.compute().tokens).toBe(1);
    expect(() => perplexity([[]], { base: 'e' })).toThrowErrorMatchingInlineSnapshot(`[EmptyInputError: @nlpkit/metrics: logProbs or scores must hold at least one token that is not padding, got nothing]`);
  });
});

/** A tiny language model on core's contract: log10 P(token) from a table, the same in every context. */
function unigramModel(table: Record<string, number>) {
  return {
    startState: () => 0,
    scoreToken: (state: number, token: string) => {
      const oov = !(token in table);
      return { log10Prob: Math.log10(oov ? table['<unk>']! : table[token]!), oov, state };
    },
  };
}

describe('perplexityFromScores: sentence scores of a LanguageModel', () => {
  const model = unigramModel({ the: 0.5, cat: 0.25, '</s>': 0.125, '<unk>': 0.01 });
  const sentences = [['the', 'cat'], ['the', 'dog']];
  const scores: SentenceScore[] = sentences.map((s) => scoreSentenceByTokens(model, s, { perToken: true }));

  it('equals perplexity of the per-token log10 scores with base 10, one </s> per sentence counted', () => {
    const fromScores = perplexityFromScores(scores);
    const perToken = perplexity(
      scores.map((s) => s.perToken!.map((t) => t.log10Prob)),
      { base: 10 },
    );
    expect(fromScores.tokens).toBe(6);
    expect(fromScores.perplexity).toBeCloseTo(perToken.perplexity, 12);
    expect(fromScores.crossEntropy).toBeCloseTo(perToken.crossEntropy, 12);
    expect(fromScores.sentences[0]!.perplexity).toBeCloseTo(1 / Math.cbrt(0.5 * 0.25 * 0.125), 12);
  });
  it('leaves OOV tokens out on request, as KenLM does for "perplexity excluding OOVs"', () => {
    const result = perplexityFromScores(scores, { excludeOov: true });
    expect(result.tokens).toBe(5);
    expect(result.perplexity).toBeCloseTo(1 / (0.5 * 0.25 * 0.125 * 0.5 * 0.125) ** (1 / 5), 12);
  });
  it('converts the log10 scores to a streaming metric in another base', async () => {
    const nats = createPerplexity({ base: 'e' }).updateScores(scores).compute();
    expect(nats.perplexity).toBeCloseTo(perplexityFromScores(scores).perplexity, 12);
    expect(nats.crossEntropy).toBeCloseTo(perplexityFromScores(scores).nats, 12);
    expect(await perplexityFromScores(asyncOf(scores))).toEqual(perplexityFromScores(scores));
  });
  it('rejects what is not a sentence score', () => {
    expect(() => perplexityFromScores([{ log10Prob: 0.5, tokens: 2, oov: 0, oovLog10Prob: 0 }])).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: scores[0].log10Prob must be a log-probability (a number ≤ 0, not NaN), got 0.5]`);
    expect(() => perplexityFromScores([[-1, -2]] as never)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/metrics: scores[0] must be a SentenceScore { log10Prob, tokens, oov, oovLog10Prob }, got an array of length 2]`);
  });
});
