import { InvalidArgumentError, scoreSentenceByTokens, vocabularyFromTokens, type LanguageModel } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { describe, expect, it } from 'vitest';
import { beamSearch } from './beamSearch.js';
import type { DecodedSequence } from './decodedSequence.js';
import { FusionVocabularyError } from './decodeErrors.js';
import { greedyDecode } from './greedyDecode.js';
import { EOS, randomLogits, stepLogProbs, toySession, UNK } from './toySessions.test.support.js';

const V = 7;
const TARGET = ['<pad>', '<unk>', '<s>', '</s>', 'a', 'b', 'c'];
const targetTokenOf = (id: number): string => TARGET[id]!;

/**
 * A bigram LM over its own vocabulary (`c a x`: another order than the target's, and no `b`): it wants
 * "c a </s>". States are plain strings, the previous token.
 */
function bigramLm(vocabularyTokens: readonly string[] = ['c', 'a', 'x']): LanguageModel<string> {
  const vocabulary = vocabularyFromTokens(vocabularyTokens);
  const favourite: Record<string, string> = { '<s>': 'c', c: 'a', a: '</s>' };
  const nextLog10Probs = (state: string): Float64Array => {
    const out = new Float64Array(vocabulary.size).fill(Math.log10(0.05));
    out[0] = out[2] = -Infinity;
    const fav = vocabulary.lookup(favourite[state] ?? '</s>');
    out[fav] = 0;
    const rest = 1 - 0.05 * (vocabulary.size - 3);
    out[fav] = Math.log10(rest);
    return out;
  };
  const model: LanguageModel<string> = {
    order: 2,
    vocabulary,
    startState: () => '<s>',
    nextLog10Probs,
    scoreToken(state, token) {
      const id = vocabulary.lookup(token);
      const oov = id < 0;
      return { log10Prob: nextLog10Probs(state)[oov ? 1 : id]!, oov, state: oov ? '<unk>' : token };
    },
    scoreSentence: (tokens, options) => scoreSentenceByTokens(model, tokens, options),
  };
  return model;
}

const strip = (h: DecodedSequence) => ({ ids: h.ids, finished: h.finished, logProb: h.logProb, score: h.score });

describeBackends('shallow fusion', () => {
  const lengths = [3, 2, 4];
  const logits = randomLogits(V, 41, 0.4);
  const lm = bigramLm();

  it('with weight 0 decodes exactly as without fusion', async () => {
    const session = toySession(lengths, V, logits);
    const fusion = { model: lm, weight: 0, targetTokenOf };
    expect((await greedyDecode(session, { maxLength: 6, fusion })).map(strip)).toEqual((await greedyDecode(session, { maxLength: 6 })).map(strip));
    const plain = await beamSearch(session, { beamSize: 3, nBest: 3, maxLength: 6 });
    const fused = await beamSearch(session, { beamSize: 3, nBest: 3, maxLength: 6, fusion });
    expect(fused.map((list) => list.map(strip))).toEqual(plain.map((list) => list.map(strip)));
  });

  it('with a large weight follows the language model', async () => {
    const session = toySession(lengths, V, logits);
    const fusion = { model: lm, weight: 50, targetTokenOf };
    for (const out of await greedyDecode(session, { maxLength: 6, fusion })) expect(out).toMatchObject({ ids: [6, 4], finished: true });
    for (const [best] of await beamSearch(session, { beamSize: 3, maxLength: 6, fusion })) expect(best).toMatchObject({ ids: [6, 4], finished: true });
    const plain = await greedyDecode(session, { maxLength: 6 });
    expect(plain.some((o) => o.ids.join() !== '6,4')).toBe(true);
  });

  it('scores every output as ln p_tm + λ · ln 10 · log10 p_lm, with the LM reading target tokens by text', async () => {
    const session = toySession(lengths, V, logits);
    const outs = await greedyDecode(session, { maxLength: 6, fusion: { model: lm, weight: 0.7, targetTokenOf } });
    for (const out of outs) {
      const words = out.ids.map(targetTokenOf);
      // The LM scores "b" as <unk>; scoreSentence adds </s>, which an unfinished output did not score.
      const expected = out.finished
        ? lm.scoreSentence(words).log10Prob
        : words.reduce((acc, w) => ({ state: lm.scoreToken(acc.state, w).state, sum: acc.sum + lm.scoreToken(acc.state, w).log10Prob }), { state: lm.startState(), sum: 0 }).sum;
      expect(out.lmLog10Prob).toBeCloseTo(expected, 10);
      expect(out.score).toBeCloseTo(out.logProb + 0.7 * Math.LN10 * out.lmLog10Prob, 5);
    }
  });

  it('carries and branches LM states per hypothesis: a wide beam equals exhaustive fused search', async () => {
    const session = toySession([3], V, logits);
    const weight = 0.8;
    const all: { ids: number[]; score: number }[] = [];
    const walk = async (ids: number[], tm: number, state: string, lmSum: number): Promise<void> => {
      if (ids.length === 3) {
        all.push({ ids, score: tm + weight * Math.LN10 * lmSum });
        return;
      }
      const lp = await stepLogProbs(session, 0, ids);
      const lmNext = (w: string) => lm.scoreToken(state, w);
      all.push({ ids, score: tm + lp[EOS]! + weight * Math.LN10 * (lmSum + lmNext('</s>').log10Prob) });
      for (const v of [UNK, 4, 5, 6]) {
        const next = lmNext(targetTokenOf(v));
        await walk([...ids, v], tm + lp[v]!, next.state, lmSum + next.log10Prob);
      }
    };
    await walk([], 0, lm.startState(), 0);
    all.sort((x, y) => y.score - x.score);
    const [beam] = await beamSearch(session, { beamSize: 64, nBest: 8, maxLength: 3, fusion: { model: lm, weight, targetTokenOf } });
    expect(beam!.map((h) => h.ids)).toEqual(all.slice(0, 8).map((h) => h.ids));
    for (let i = 0; i < 8; i++) expect(beam![i]!.score).toBeCloseTo(all[i]!.score, 4);
  });
});

describe('shallow fusion options', () => {
  const session = toySession([2], V, randomLogits(V, 1));
  it('rejects a model whose vocabulary shares no token with the target', async () => {
    const error = await greedyDecode(session, { fusion: { model: bigramLm(['p', 'q']), weight: 1, targetTokenOf } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FusionVocabularyError);
    expect((error as FusionVocabularyError).argument).toBe('options.fusion.model');
    expect((error as Error).message).toMatchInlineSnapshot(`"@nlpkit/seq2seq: options.fusion.model must be a language model whose vocabulary shares tokens with the target vocabulary, got no shared token among 7 target ids and 6 model ids"`);
  });

  it.each([
    [{ model: bigramLm(), weight: -1, targetTokenOf }, 'options.fusion.weight'],
    [{ model: {}, weight: 1, targetTokenOf }, 'options.fusion.model'],
    [{ model: bigramLm(['a', 'b', 'c', 'd']), weight: 1 }, 'options.fusion.targetTokenOf'],
    [{ model: bigramLm(), weight: 1, targetTokenOf, lambda: 1 }, 'options.fusion.lambda'],
  ])('rejects %o naming %s', async (fusion, argument) => {
    const error = await beamSearch(session, { fusion: fusion as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(argument);
  });

  it('maps ids one to one when the LM shares the target vocabulary', async () => {
    const [out] = await greedyDecode(session, { maxLength: 4, fusion: { model: bigramLm(['a', 'b', 'c']), weight: 50 } });
    // The same LM tokens in the target's order: "c a </s>" is ids 6 4.
    expect(out).toMatchObject({ ids: [6, 4], finished: true });
  });
});
