import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { BOS_ID, EOS_ID, UNK_ID } from './vocabulary.js';

/** Options of {@link generateText}. */
export interface GenerateOptions {
  /** Seed of the pseudo-random generator; the same seed gives the same text. */
  seed: number;
  /** Stop after this many words if `</s>` has not been drawn (default 50). */
  maxWords?: number;
  /** Words the generated text continues (default: start of a sentence). */
  prefix?: readonly string[];
  /** Whether `<unk>` may be drawn (default false: it carries no text). */
  allowUnknown?: boolean;
}

/**
 * Draws a sentence word by word from P(w | history) until `</s>` or `maxWords`. Deterministic for a given seed
 * (mulberry32 generator), so examples and tests are reproducible. Returns the words without `</s>`.
 */
export function generateText(model: BackoffLanguageModel, options: GenerateOptions): string[] {
  const random = mulberry32(options.seed);
  const maxWords = options.maxWords ?? 50;
  const words = [...(options.prefix ?? [])];
  const vocab = model.data.vocabulary;
  const state = model.stateAfter(words);
  const size = vocab.size;
  const probe = { ids: new Int32Array(state.ids.length) };
  const weights = new Float64Array(size);
  for (let produced = 0; produced < maxWords; produced++) {
    let total = 0;
    for (let w = 0; w < size; w++) {
      if (w === BOS_ID || (w === UNK_ID && !options.allowUnknown)) {
        weights[w] = 0;
        continue;
      }
      probe.ids.set(state.ids);
      const p = 10 ** model.scoreId(probe, w);
      weights[w] = p;
      total += p;
    }
    let target = random() * total;
    let choice = EOS_ID;
    for (let w = 0; w < size; w++) {
      target -= weights[w]!;
      if (target < 0 && weights[w]! > 0) {
        choice = w;
        break;
      }
    }
    if (choice === EOS_ID) break;
    model.scoreId(state, choice);
    words.push(vocab.word(choice));
  }
  return words;
}

/** Small, fast, seedable PRNG (public-domain mulberry32), returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
