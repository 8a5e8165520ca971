import fc from 'fast-check';
import type { BackoffLanguageModel } from '../src/backoffLanguageModel.js';

/** One n-gram of a generated model: its words, log10 probability and backoff (float32 values). */
export interface SpecEntry {
  readonly words: readonly string[];
  readonly prob: number;
  readonly backoff: number;
}

/** A small random backoff model as ARPA sections (every n-gram's prefix present, so nothing is inserted). */
export interface ModelSpec {
  readonly order: number;
  readonly sections: readonly (readonly SpecEntry[])[];
}

const word = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é', '中', '\\', '_', '9', '-', '😀'), minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', '\\end\\', '\\data\\', '-1') },
);
const prob = fc.oneof(
  { weight: 20, arbitrary: fc.float({ min: -99, max: 0, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant(Number.NEGATIVE_INFINITY) },
);
const backoff = fc.oneof(
  { weight: 30, arbitrary: fc.float({ min: -9, max: 9, noNaN: true }) },
  { weight: 10, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.constant(Number.NEGATIVE_INFINITY) },
);
const RESERVED = new Set(['<unk>', '<s>', '</s>', '<pad>']);

/** Random model specs: 0–8 words besides `<unk>`, `<s>`, `</s>`; orders 1–3; up to 12 n-grams per higher order. */
export const modelSpec: fc.Arbitrary<ModelSpec> = fc
  .record({
    order: fc.integer({ min: 1, max: 3 }),
    words: fc.uniqueArray(word.filter((w) => !RESERVED.has(w)), { maxLength: 8 }),
    probs: fc.array(prob, { minLength: 40, maxLength: 40 }),
    backoffs: fc.array(backoff, { minLength: 40, maxLength: 40 }),
    picks: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 24 }),
  })
  .map(({ order, words, probs, backoffs, picks }) => {
    const vocab = ['<unk>', '<s>', '</s>', ...words];
    let k = 0;
    const value = (): [number, number] => {
      // + 0: a -0 is written as 0 (the same value), so specs hold +0.
      const v: [number, number] = [Math.fround(probs[k % 40]!) + 0, Math.fround(backoffs[(k * 7) % 40]!) + 0];
      k++;
      return v;
    };
    const sections: SpecEntry[][] = [vocab.map((w) => {
      const [p, b] = value();
      return { words: [w], prob: w === '<s>' ? -99 : p, backoff: order > 1 ? b : 0 };
    })];
    for (let n = 2; n <= order; n++) {
      const below = sections[n - 2]!;
      const seen = new Set<string>();
      const level: SpecEntry[] = [];
      for (const [a, b] of picks.slice(0, 12 + n)) {
        const prefix = below[a % below.length]!.words;
        const words = [...prefix, vocab[b % vocab.length]!];
        const key = words.join(' ');
        if (seen.has(key)) continue;
        seen.add(key);
        const [p, bo] = value();
        level.push({ words, prob: p, backoff: n < order ? bo : 0 });
      }
      sections.push(level);
    }
    return { order, sections };
  });

/** The ARPA text of a spec (numbers printed with all their digits; zero backoffs sometimes omitted). */
export function specArpa(spec: ModelSpec): string {
  const lines = ['\\data\\', ...spec.sections.map((s, n) => `ngram ${n + 1}=${s.length}`)];
  spec.sections.forEach((section, n) => {
    lines.push('', `\\${n + 1}-grams:`);
    for (const e of section) {
      const p = e.prob === Number.NEGATIVE_INFINITY ? '-inf' : String(e.prob);
      const b = e.backoff === Number.NEGATIVE_INFINITY ? '-inf' : String(e.backoff);
      const tail = n + 1 < spec.order && (e.backoff !== 0 || e.words.length % 2 === 0) ? `\t${b}` : '';
      lines.push(`${p}\t${e.words.join(' ')}${tail}`);
    }
  });
  lines.push('', '\\end\\', '');
  return lines.join('\n');
}

/** The stored log10 probability and backoff of `words` in `model`, or undefined when absent. */
export function stored(model: BackoffLanguageModel, words: readonly string[]): [number, number] | undefined {
  const { wordIndex, indexes, log10Probs, log10Backoffs } = model.data;
  let id = wordIndex.lookup(words[0]!);
  if (id < 0) return undefined;
  for (let n = 1; n < words.length; n++) {
    const w = wordIndex.lookup(words[n]!);
    if (w < 0) return undefined;
    id = indexes[n]!.find(id, w);
    if (id < 0) return undefined;
  }
  return [log10Probs[words.length - 1]![id]!, log10Backoffs[words.length - 1]![id]!];
}

/** Every stored value is in its domain: log10 probabilities ≤ 0, backoffs below +∞ (−∞ allowed, never NaN). */
export function valuesInDomain(model: BackoffLanguageModel): boolean {
  const { log10Probs, log10Backoffs } = model.data;
  return log10Probs.every((lp, n) => lp.every((p, i) => p <= 0 && log10Backoffs[n]![i]! < Number.POSITIVE_INFINITY));
}
