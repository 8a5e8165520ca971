import { describe, expect, it } from 'vitest';
import { estimateKneserNey } from './estimateKneserNey.js';
import { generateText, mulberry32 } from './generateText.js';

const TRAIN = [
  ['the', 'cat', 'sat', 'on', 'the', 'mat'],
  ['the', 'dog', 'sat', 'on', 'the', 'log'],
  ['a', 'cat', 'ate', 'the', 'rat'],
];

describe('generateText and queries', () => {
  const { model } = estimateKneserNey(TRAIN, { order: 3 });

  it('is reproducible for a seed, draws only known words and respects maxWords', () => {
    const a = generateText(model, { seed: 42, maxWords: 20 });
    expect(generateText(model, { seed: 42, maxWords: 20 })).toEqual(a);
    const vocabulary = new Set(model.vocabulary);
    const texts = Array.from({ length: 30 }, (_, seed) => generateText(model, { seed, maxWords: 4, prefix: ['the'] }));
    for (const words of texts) {
      expect(words[0]).toBe('the');
      expect(words.length).toBeLessThanOrEqual(5);
      for (const w of words) expect(vocabulary.has(w) && w !== '<unk>' && w !== '<s>').toBe(true);
    }
    expect(new Set(texts.map((t) => t.join(' '))).size).toBeGreaterThan(3);
  });

  it('samples in proportion to the model (frequency of the first word over many seeds)', () => {
    const p = 10 ** model.logProb('the', []);
    let hits = 0;
    const n = 2000;
    for (let seed = 0; seed < n; seed++) if (generateText(model, { seed, maxWords: 1 })[0] === 'the') hits++;
    // Binomial standard deviation at n = 2000 is ≤ 0.012; 5 sigma.
    expect(Math.abs(hits / n - p)).toBeLessThan(0.06);
  });

  it('mulberry32 gives uniform floats in [0, 1)', () => {
    const random = mulberry32(1);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const x = random();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(sum / 10000).toBeCloseTo(0.5, 1);
  });

  it('topK lists the most probable next words in order and ignores context beyond the order', () => {
    const top = model.topK(['on', 'the'], 2);
    expect(top.map((t) => t.word)).toEqual(['mat', 'log']);
    expect(top[0]!.logProb).toBeGreaterThanOrEqual(top[1]!.logProb);
    expect(model.logProb('mat', ['a', 'b', 'c', 'on', 'the'])).toBe(model.logProb('mat', ['on', 'the'], false));
  });
});
