import { describe, expect, it } from 'vitest';
import { toyBigramModel } from '../test/toyModel.js';
import {
  BOS_ID,
  EOS,
  EOS_ID,
  PAD_ID,
  UNK_ID,
  createRng,
  EmptyInputError,
  InvalidArgumentError,
  evaluatePerplexity,
  generate,
  interpolateModels,
  scoreSentenceByTokens,
  stateAfter,
  topK,
  tuneInterpolationWeights,
  type LanguageModel,
} from './index.js';

// Ids: <pad>0 <unk>1 <s>2 </s>3 a4 b5. After a, b is likely; after b, </s> is likely; <unk> is followed by </s>.
const table: Record<number, number[]> = {
  1: [0, 0.1, 0, 0.5, 0.2, 0.2],
  2: [0, 0.1, 0, 0.1, 0.6, 0.2],
  4: [0, 0.1, 0, 0.1, 0.1, 0.7],
  5: [0, 0.1, 0, 0.6, 0.2, 0.1],
};
const model = toyBigramModel(['a', 'b'], (prev, id) => table[prev]![id]!);
const uniform = toyBigramModel(['a', 'b', 'c'], () => 1);

const log10 = Math.log10;

describe('evaluatePerplexity', () => {
  it('counts one </s> per sentence and OOVs as <unk>, as KenLM does', () => {
    const r = evaluatePerplexity(model, [['a', 'b'], ['zzz']]);
    // a|<s> .6, b|a .7, </s>|b .6, then <unk>|<s> .1, </s>|<unk> .5
    const expected = log10(0.6) + log10(0.7) + log10(0.6) + log10(0.1) + log10(0.5);
    expect(r.tokens).toBe(5);
    expect(r.sentences).toBe(2);
    expect(r.oov).toBe(1);
    expect(r.log10Prob).toBeCloseTo(expected, 12);
    expect(r.perplexity).toBeCloseTo(10 ** (-expected / 5), 10);
    expect(r.perplexityExcludingOov).toBeCloseTo(10 ** (-(expected - log10(0.1)) / 4), 10);
  });

  it('takes text Tokens and async iterables (a promise then)', async () => {
    const sync = evaluatePerplexity(model, [['a', 'b']]);
    async function* lines(): AsyncGenerator<{ text: string; start: number; end: number }[]> {
      yield [{ text: 'a', start: 0, end: 1 }, { text: 'b', start: 2, end: 3 }];
    }
    const viaAsync = evaluatePerplexity(model, lines());
    expect(viaAsync).toBeInstanceOf(Promise);
    expect((await viaAsync).perplexity).toBe(sync.perplexity);
  });

  it('says what it expected for bad input', () => {
    expect(() => evaluatePerplexity(model, [])).toThrow(EmptyInputError);
    expect(() => evaluatePerplexity(model, [['a', 7 as unknown as string]])).toThrow(
      '@nlpkit/core: sentences[0][1] must be a string or a Token, got 7',
    );
    expect(() => evaluatePerplexity({} as LanguageModel, [['a']])).toThrow(InvalidArgumentError);
    expect(() => evaluatePerplexity(model, 'a b' as never)).toThrow('sentences must be an iterable or async iterable');
  });

  it('refuses a model that scores a token above log10 p = 0 (a corrupted model), naming the token', async () => {
    // "b" gets log10 p = +0.5: a sentence holding it totals above 0, which would give a perplexity below 1.
    const broken: LanguageModel<number> = {
      ...model,
      scoreToken: (state, token) => (token === 'b' ? { log10Prob: 0.5, oov: false, state } : model.scoreToken(state as never, token)),
      scoreSentence: (tokens, options) => scoreSentenceByTokens(broken, tokens, options),
    } as LanguageModel<number>;
    const nan: LanguageModel<number> = {
      ...broken,
      scoreToken: (state, token) => (token === 'b' ? { log10Prob: Number.NaN, oov: false, state } : model.scoreToken(state as never, token)),
      scoreSentence: (tokens, options) => scoreSentenceByTokens(nan, tokens, options),
    } as LanguageModel<number>;
    expect(() => evaluatePerplexity(broken, [['a'], ['b', 'b', 'b']])).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/core: model must be a model whose log10 probabilities are ≤ 0, got log10 P("b") = 0.5 at sentences[1][0]]`);
    expect(() => evaluatePerplexity(nan, [['a', 'b']])).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/core: model must be a model whose log10 probabilities are ≤ 0, got log10 P("b") = NaN at sentences[0][1]]`);
    await expect(evaluatePerplexity(broken, (async function* () { yield ['b', 'b', 'b']; })())).rejects.toThrow(InvalidArgumentError);
    // A proper model's sentences are all ≤ 0: no false alarm.
    expect(evaluatePerplexity(model, [['a'], ['b', 'b', 'b']]).perplexity).toBeGreaterThan(1);
  });
});

describe('interpolateModels', () => {
  it('mixes linear probabilities token by token, over the union vocabulary', () => {
    const mix = interpolateModels([model, uniform], [0.25, 0.75]);
    expect(mix.vocabulary.tokens.slice(4)).toEqual(['a', 'b', 'c']);
    const s = mix.scoreSentence(['a', 'c'], { perToken: true });
    const pu = 1 / 5; // uniform over <unk> </s> a b c
    expect(s.perToken!.map((t) => t.token)).toEqual(['a', 'c', '</s>']);
    expect(s.perToken![0]!.log10Prob).toBeCloseTo(log10(0.25 * 0.6 + 0.75 * pu), 12);
    // c is <unk> for `model` (P(<unk>|a) = .1) but known to `uniform`: not an OOV of the mixture.
    expect(s.perToken![1]!.log10Prob).toBeCloseTo(log10(0.25 * 0.1 + 0.75 * pu), 12);
    expect(s.oov).toBe(0);
    // Incremental and whole-sentence scoring agree.
    let state = mix.startState();
    let total = 0;
    for (const t of ['a', 'c', '</s>']) {
      const r = mix.scoreToken(state, t);
      total += r.log10Prob;
      state = r.state;
    }
    expect(total).toBeCloseTo(s.log10Prob, 12);
    const next = mix.nextLog10Probs(stateAfter(mix, ['a']));
    expect(next[mix.vocabulary.id('b')]).toBeCloseTo(log10(0.25 * 0.7 + 0.75 * pu), 12);
  });

  it('scores text Tokens as their texts, in models and mixtures alike', () => {
    const tokens = [
      { text: 'a', start: 0, end: 1 },
      { text: 'b', start: 2, end: 3 },
    ];
    const mix = interpolateModels([model, uniform], [0.5, 0.5]);
    expect(model.scoreSentence(tokens)).toEqual(model.scoreSentence(['a', 'b']));
    expect(mix.scoreSentence(tokens, { perToken: true })).toEqual(mix.scoreSentence(['a', 'b'], { perToken: true }));
    expect(() => model.scoreSentence(['a', 5 as unknown as string])).toThrow('@nlpkit/core: tokens[1] must be a string or a Token, got 5');
  });

  it('with one weight of 1 gives that model', () => {
    const mix = interpolateModels([model, uniform], [1, 0]);
    expect(evaluatePerplexity(mix, [['a', 'b']]).perplexity).toBeCloseTo(evaluatePerplexity(model, [['a', 'b']]).perplexity, 12);
  });

  it('rejects weights that are not a distribution', () => {
    expect(() => interpolateModels([model], [0.5])).toThrow('@nlpkit/core: weights must be numbers summing to 1, got a sum of 0.5');
    expect(() => interpolateModels([model, model], [1])).toThrow('weights must be 2 numbers ≥ 0');
    expect(() => interpolateModels([], [])).toThrow('models must be a non-empty array of LanguageModels');
  });

  it('EM finds weights at least as good as any fixed mixture', async () => {
    const heldOut = [['a', 'b'], ['b'], ['a', 'a', 'b']];
    const fit = tuneInterpolationWeights([model, uniform], heldOut);
    expect(fit.weights[0]! + fit.weights[1]!).toBeCloseTo(1, 12);
    for (const w of [0, 0.25, 0.5, 0.75, 1]) {
      const ppl = evaluatePerplexity(interpolateModels([model, uniform], [w, 1 - w]), heldOut).perplexity;
      expect(fit.perplexity).toBeLessThanOrEqual(ppl * (1 + 1e-6));
    }
    const fitted = evaluatePerplexity(interpolateModels([model, uniform], fit.weights), heldOut).perplexity;
    expect(fitted).toBeCloseTo(fit.perplexity, 9);
    async function* again(): AsyncGenerator<string[]> {
      yield* heldOut;
    }
    expect((await tuneInterpolationWeights([model, uniform], again())).weights).toEqual(fit.weights);
  });
});

describe('topK and generate', () => {
  it('ranks next tokens, never offering <pad>, <s> or <unk>', () => {
    expect(topK(model, ['a'], 2).map((t) => t.token)).toEqual(['b', '</s>']);
    expect(topK(model, [], 10).map((t) => t.token)).toEqual(['a', 'b', '</s>']);
    expect(topK(model, [], 1)[0]!.log10Prob).toBeCloseTo(log10(0.6 / 1.0), 12);
  });

  it('is deterministic per seed and follows the distribution', () => {
    const a = generate(model, { rng: 7, maxTokens: 20 });
    expect(generate(model, { rng: 7, maxTokens: 20 })).toEqual(a);
    const counts = new Map<string, number>();
    for (let seed = 0; seed < 2000; seed++) {
      const first = generate(model, { rng: seed, maxTokens: 1 })[0] ?? '</s>';
      counts.set(first, (counts.get(first) ?? 0) + 1);
    }
    // P(a|<s>) = .6/.9 once <unk> is excluded; binomial sd ≈ 0.011.
    expect(counts.get('a')! / 2000).toBeGreaterThan(0.6667 - 0.05);
    expect(counts.get('a')! / 2000).toBeLessThan(0.6667 + 0.05);
  });

  it('top-k 1 and tiny temperatures are greedy; top-p keeps the nucleus', () => {
    expect(generate(model, { rng: 1, topK: 1 })).toEqual(['a', 'b']);
    expect(generate(model, { rng: 99, temperature: 1e-3 })).toEqual(['a', 'b']);
    for (let seed = 0; seed < 50; seed++) {
      // After a: b (.7/.9 ≈ .78) alone reaches top-p 0.7.
      expect(generate(model, { rng: seed, prefix: ['a'], topP: 0.7, maxTokens: 1 })).toEqual(['a', 'b']);
    }
    expect(generate(model, { rng: 3, maxTokens: 0 })).toEqual([]);
  });

  // generate ranks candidates on natively sorted weights and finds the chosen id by its rank among equal weights;
  // the draw must be the one of ranking the candidates themselves (weight descending, ties by id), which is what it
  // did before: the same seed gives the same text. Vocabularies with many tied probabilities, several temperatures,
  // top-k and top-p.
  it('draws what ranking the candidates themselves draws, ties included (the same text per seed)', () => {
    const reference = (lm: LanguageModel, seed: number, o: { temperature?: number; topK?: number; topP?: number; maxTokens: number }): string[] => {
      const rng = createRng(seed);
      const words: string[] = [];
      let state = lm.startState();
      for (let produced = 0; produced < o.maxTokens; produced++) {
        const log10Probs = lm.nextLog10Probs(state);
        const candidates: { id: number; weight: number }[] = [];
        let best = -Infinity;
        for (let id = 0; id < log10Probs.length; id++) {
          const lp = log10Probs[id]!;
          if (id === PAD_ID || id === BOS_ID || id === UNK_ID || !(lp > -Infinity)) continue;
          candidates.push({ id, weight: lp });
          if (lp > best) best = lp;
        }
        if (candidates.length === 0) break;
        for (const c of candidates) c.weight = 10 ** ((c.weight - best) / (o.temperature ?? 1));
        candidates.sort((a, b) => b.weight - a.weight || a.id - b.id);
        let kept = candidates.slice(0, o.topK ?? Number.MAX_SAFE_INTEGER);
        if ((o.topP ?? 1) < 1) {
          const total = kept.reduce((t, c) => t + c.weight, 0);
          let mass = 0;
          let n = 0;
          while (n < kept.length && mass < (o.topP as number) * total) mass += kept[n++]!.weight;
          kept = kept.slice(0, Math.max(1, n));
        }
        const total = kept.reduce((t, c) => t + c.weight, 0);
        let target = rng.next() * total;
        let choice = kept[kept.length - 1]!.id;
        for (const c of kept) {
          target -= c.weight;
          if (target < 0) {
            choice = c.id;
            break;
          }
        }
        if (choice === EOS_ID) break;
        const token = lm.vocabulary.token(choice);
        if (token === EOS) break;
        words.push(token);
        state = lm.scoreToken(state, token).state;
      }
      return words;
    };
    const rng = createRng(5);
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
    let compared = 0;
    for (let table = 0; table < 20; table++) {
      // Probabilities from a few levels (many ties), some tokens impossible, one table of all-equal rows; the last
      // five tables continuous over twelve orders of magnitude (weights of every exponent and mantissa).
      const levels = table === 0 ? [1] : [0, 1, 1, 2, 5, 5, 40, 1e-300];
      const draw = (): number => (table >= 15 ? 10 ** (-12 * rng.next()) : levels[rng.int(levels.length)]!);
      const p = Array.from({ length: words.length + 4 }, () => Array.from({ length: words.length + 4 }, draw));
      const lm = toyBigramModel(words, (prev, id) => (p[prev]![id]! === 0 && id !== EOS_ID ? 0 : p[prev]![id]! || 1));
      for (const o of [{}, { temperature: 0.7 }, { temperature: 3 }, { topK: 5 }, { topK: 1 }, { topP: 0.5 }, { topK: 20, topP: 0.9, temperature: 1.5 }]) {
        for (let seed = 0; seed < 15; seed++) {
          expect(generate(lm, { rng: seed, maxTokens: 12, ...o }), `table ${table}, ${JSON.stringify(o)}, seed ${seed}`).toEqual(reference(lm, seed, { maxTokens: 12, ...o }));
          compared++;
        }
      }
    }
    expect(compared).toBe(20 * 7 * 15);
  });

  it('validates its options by name', () => {
    expect(() => generate(model, { rng: 1, temperature: 0 })).toThrow('options.temperature must be a number ≥');
    expect(() => generate(model, { rng: 1, topP: 2 })).toThrow('options.topP must be a number from');
    expect(() => generate(model, { rng: 1, seed: 3 } as never)).toThrow('options.seed must be absent');
    expect(EOS_ID).toBe(3);
  });
});
