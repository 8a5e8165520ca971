import {
  BOS_ID,
  PAD_ID,
  UNK_ID,
  createRng,
  evaluatePerplexity,
  generate,
  interpolateModels,
  scoreSentenceByTokens,
  topK,
  tuneInterpolationWeights,
  type LanguageModel,
} from '@nlpkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BackoffLanguageModel } from './backoffLanguageModel.js';
import { loadBinaryModel, toBinaryModel } from './binaryModel.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { readArpa } from './readArpa.js';
import { writeArpa } from './writeArpa.js';
import { wittenBell } from './wittenBell.js';

const words = ['a', 'b', 'c', 'd', 'e', 'UNK'];
const sentence = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 8 });
const TRAIN = [
  ['the', 'cat', 'sat', 'on', 'the', 'mat'],
  ['the', 'dog', 'sat', 'on', 'the', 'log'],
  ['a', 'cat', 'ate', 'the', 'rat'],
];

function corpus(sentences: number, seed: number, vocabulary: number): string[][] {
  const rng = createRng(seed);
  return Array.from({ length: sentences }, () =>
    Array.from({ length: 2 + Math.floor(rng.next() * 8) }, () => `w${Math.floor(rng.next() * rng.next() * vocabulary)}`),
  );
}

describe('BackoffLanguageModel as a core LanguageModel', () => {
  it('scores sentences on its fast path exactly as token by token, for hash-indexed, binary trie and ARPA-read (suffix trie) models', () => {
    fc.assert(
      fc.property(
        fc.array(sentence, { minLength: 1, maxLength: 30 }),
        fc.array(fc.array(fc.constantFrom(...words, 'zz', '<unk>'), { maxLength: 8 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 5 }),
        (train, test, order) => {
          const { model } = estimateKneserNey(train, { order });
          const known = new Set(train.flat());
          const read = readArpa(writeArpa(model));
          // Read from lmplz's layout, the model is a suffix trie, scored order by order over each sentence.
          expect(read.data.suffixLevels).toBeDefined();
          const totals: number[] = [];
          for (const m of [model, loadBinaryModel(toBinaryModel(model)), read]) {
            let log10Prob = 0;
            let oov = 0;
            for (const s of test) {
              const fast = m.scoreSentence(s);
              const detailed = m.scoreSentence(s, { perToken: true });
              const generic = scoreSentenceByTokens(m, s, { perToken: true });
              expect(fast.perToken).toBeUndefined();
              expect(detailed.log10Prob).toBe(fast.log10Prob);
              expect(generic.log10Prob).toBe(fast.log10Prob);
              expect(detailed.oov).toBe(fast.oov);
              expect(detailed.oovLog10Prob).toBe(fast.oovLog10Prob);
              expect(generic.perToken!.map((t) => t.oov)).toEqual(detailed.perToken!.map((t) => t.oov));
              expect(detailed.perToken!.map((t) => t.token)).toEqual([...s, '</s>']);
              for (const t of detailed.perToken!) log10Prob += t.log10Prob;
              // Words never trained on are OOV, and KenLM counts a literal <unk> as OOV too.
              oov += s.filter((w) => !known.has(w) || w === '<unk>').length;
            }
            const result = evaluatePerplexity(m, test);
            expect(result.log10Prob).toBe(log10Prob);
            // The same float32 numbers added in the same order, whatever the model's layout.
            totals.push(result.log10Prob);
            expect(result.log10Prob).toBe(totals[0]);
            expect(result.oov).toBe(oov);
            expect(result.tokens).toBe(test.reduce((n, s) => n + s.length + 1, 0));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('shows its words as a core Vocabulary whose ids are the internal indexes + 1', () => {
    const { model } = estimateKneserNey(TRAIN, { order: 3 });
    const vocabulary = model.vocabulary;
    expect(vocabulary.tokens.slice(0, 4)).toEqual(['<pad>', '<unk>', '<s>', '</s>']);
    expect(vocabulary.size).toBe(model.data.wordIndex.size + 1);
    model.data.wordIndex.words().forEach((w, index) => expect(vocabulary.id(w)).toBe(index + 1));
    expect(model.vocabulary).toBe(vocabulary); // built once
  });

  it('gives a normalized next-token distribution with -Infinity at <pad> and <s>, matching scoreToken', () => {
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 4 }), fc.array(fc.constantFrom('a', 'b', 'zz')), (train, order, context) => {
        const { model } = estimateKneserNey(train, { order });
        let state = model.startState();
        for (const w of context) state = model.scoreToken(state, w).state;
        const before = Int32Array.from(state.ids);
        const log10Probs = model.nextLog10Probs(state);
        expect(log10Probs).toHaveLength(model.vocabulary.size);
        expect(log10Probs[PAD_ID]).toBe(-Infinity);
        expect(log10Probs[BOS_ID]).toBe(-Infinity);
        expect(log10Probs.reduce((s, lp) => s + 10 ** lp, 0)).toBeCloseTo(1, 5);
        for (const token of model.vocabulary.tokens.slice(3)) {
          expect(model.scoreToken(state, token).log10Prob).toBe(log10Probs[model.vocabulary.id(token)]);
        }
        // scoreToken and nextLog10Probs leave the state as it was.
        expect(state.ids).toEqual(before);
      }),
      { numRuns: 50 },
    );
  });

  it('scores a token with the KenLM n-gram length, and rejects a state of another model', () => {
    const { model } = estimateKneserNey(TRAIN, { order: 3 });
    const first = model.scoreToken(model.startState(), 'the');
    expect(first.ngramLength).toBe(2);
    expect(first.oov).toBe(false);
    const unknown = model.scoreToken(first.state, 'zebra');
    expect(unknown.oov).toBe(true);
    expect(unknown.log10Prob).toBe(model.log10Prob('<unk>', ['the']));
    expect(() => model.scoreToken({ ids: new Int32Array(2) }, 'the')).toThrow(/state must be a BackoffState/);
  });

  it('topK lists the most probable next words in order and agrees with core topK', () => {
    const { model } = estimateKneserNey(TRAIN, { order: 3 });
    const top = model.topK(['on', 'the'], 2);
    expect(top.map((t) => t.token)).toEqual(['mat', 'log']);
    expect(top[0]!.log10Prob).toBeGreaterThanOrEqual(top[1]!.log10Prob);
    expect(topK(model, ['on', 'the'], 2)).toEqual(top);
    expect(top[0]!.id).toBe(model.vocabulary.id('mat'));
    expect(model.log10Prob('mat', ['a', 'b', 'c', 'on', 'the'])).toBe(model.log10Prob('mat', ['on', 'the'], false));
    expect(model.nextWordDistribution(['on', 'the'])[model.vocabulary.id('mat')]).toBeCloseTo(10 ** top[0]!.log10Prob, 12);
  });
});

describe('core generate on an n-gram model', () => {
  const { model } = estimateKneserNey(TRAIN, { order: 3 });

  it('is reproducible for a seed, draws only known words and respects maxTokens and prefix', () => {
    const a = generate(model, { rng: 42, maxTokens: 20 });
    expect(generate(model, { rng: 42, maxTokens: 20 })).toEqual(a);
    const known = new Set(TRAIN.flat());
    const texts = Array.from({ length: 30 }, (_, seed) => generate(model, { rng: seed, maxTokens: 4, prefix: ['the'] }));
    for (const tokens of texts) {
      expect(tokens[0]).toBe('the');
      expect(tokens.length).toBeLessThanOrEqual(5);
      for (const w of tokens) expect(known.has(w)).toBe(true);
    }
    expect(new Set(texts.map((t) => t.join(' '))).size).toBeGreaterThan(3);
  });

  it('samples in proportion to the model (frequency of the first word over many seeds)', () => {
    const p = 10 ** model.log10Prob('the', []);
    let hits = 0;
    const n = 2000;
    for (let seed = 0; seed < n; seed++) if (generate(model, { rng: seed, maxTokens: 1 })[0] === 'the') hits++;
    // Binomial standard deviation at n = 2000 is ≤ 0.012; 5 sigma.
    expect(Math.abs(hits / n - p)).toBeLessThan(0.06);
  });
});

describe('core interpolation of n-gram models', () => {
  const trainA = corpus(400, 1, 40);
  const trainB = corpus(400, 2, 80);
  const a = estimateKneserNey(trainA, { order: 3 }).model;
  const counted = wittenBell(trainB.concat(trainA.slice(0, 5)), { order: 2 });
  const heldOut = corpus(60, 3, 40);

  for (const [name, b] of [
    ['a Witten-Bell count model', counted],
    ['its ARPA backoff form', counted.toBackoffModel()],
  ] as [string, LanguageModel][]) {
    it(`EM weights with ${name} reach at least the held-out likelihood of every weight grid point`, () => {
      const fit = tuneInterpolationWeights([a, b], heldOut);
      expect(fit.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
      for (let step = 0; step <= 20; step++) {
        const w = step / 20;
        const grid = evaluatePerplexity(interpolateModels([a, b], [w, 1 - w]), heldOut).perplexity;
        expect(fit.perplexity).toBeLessThanOrEqual(grid + 1e-6);
      }
      // The reported perplexity is the one of the interpolated model (natural-log EM vs log10 scoring agree).
      const check = evaluatePerplexity(interpolateModels([a, b], fit.weights), heldOut).perplexity;
      expect(fit.perplexity).toBeCloseTo(check, 6);
    });
  }

  it('with weight 1 on one model is that model', () => {
    const m = interpolateModels([a, counted], [1, 0]);
    const state = m.scoreToken(m.startState(), 'w2').state;
    expect(m.scoreToken(state, 'w1').log10Prob).toBeCloseTo(a.log10Prob('w1', ['w2']), 12);
    expect(evaluatePerplexity(m, heldOut).perplexity).toBeCloseTo(evaluatePerplexity(a, heldOut).perplexity, 9);
  });

  it('is a BackoffLanguageModel class instance only for n-gram models', () => {
    expect(a).toBeInstanceOf(BackoffLanguageModel);
    expect(interpolateModels([a, counted], [0.5, 0.5])).not.toBeInstanceOf(BackoffLanguageModel);
    expect(UNK_ID).toBe(1);
  });
});

describe('BackoffLanguageModel reentrancy', () => {
  const { model } = estimateKneserNey(TRAIN, { order: 3, onWarning: () => {} });
  const index = model.data.wordIndex;

  it('interleaved scorings each get their own n-gram length (kept in the state, not on the model)', () => {
    // Scoring "sat" after "the cat" uses a trigram; "zebra" is a unigram (OOV). Interleave the two step by step.
    const a = model.stateAfter(['the', 'cat']);
    const b = model.stateAfter(['the']);
    const pa = model.scoreId(a, index.id('sat'));
    const pb = model.scoreId(b, 0); // <unk>: how "zebra" (OOV) is scored
    expect([model.matchedLength(a), model.matchedLength(b)]).toEqual([3, 1]);
    expect(pa).toBe(model.score('sat', ['the', 'cat']).log10Prob);
    expect(pb).toBe(model.score('zebra', ['the']).log10Prob);
    // Two generators scoring sentences token by token, advanced alternately.
    function* scores(tokens: string[]) {
      let state = model.startState();
      for (const token of tokens) {
        const r = model.scoreToken(state, token);
        state = r.state;
        yield [r.log10Prob, r.ngramLength];
      }
    }
    const x = scores(['the', 'cat', 'sat', 'on']);
    const y = scores(['zebra', 'dog', 'mat', 'the']);
    const interleaved: number[][][] = [[], []];
    for (let i = 0; i < 4; i++) {
      interleaved[0]!.push(x.next().value!);
      interleaved[1]!.push(y.next().value!);
    }
    expect(interleaved[0]).toEqual([...scores(['the', 'cat', 'sat', 'on'])]);
    expect(interleaved[1]).toEqual([...scores(['zebra', 'dog', 'mat', 'the'])]);
    expect(interleaved[0]!.map(([, n]) => n)).toEqual([2, 3, 3, 3]);
  });

  it('never writes to the model: a frozen model scores as before', () => {
    const frozen = Object.freeze(new BackoffLanguageModel(model.data));
    const sentence = ['the', 'cat', 'sat', 'on', 'the', 'zebra'];
    expect(frozen.scoreSentence(sentence, { perToken: true })).toEqual(model.scoreSentence(sentence, { perToken: true }));
    expect(frozen.scoreSentence(sentence)).toEqual(model.scoreSentence(sentence));
    expect(frozen.score('sat', ['the', 'cat'])).toEqual(model.score('sat', ['the', 'cat']));
    expect(frozen.scoreToken(frozen.startState(), 'the').ngramLength).toBe(2);
  });
});
