import type { KneserNeyDiscount } from '../src/kneserNeyDiscounts.js';

/**
 * Reference modified Kneser-Ney written straight from the definitions with string keys and recursion — slow and
 * obvious, so the typed-array estimator can be checked against it on random corpora. Returns p(word | context)
 * for a context of up to order-1 words after `<s>` handling by the caller (context given as full history).
 */
export function naiveKneserNey(
  sentences: readonly (readonly string[])[],
  order: number,
  discounts: readonly KneserNeyDiscount[],
): (word: string, history: readonly string[]) => number {
  const raw = new Map<string, number>();
  const vocab = new Set<string>(['<unk>', '<s>', '</s>']);
  for (const s of sentences) {
    const padded = ['<s>', ...s, '</s>'];
    for (const w of s) vocab.add(w);
    for (let i = 0; i < padded.length; i++) {
      for (let n = 1; n <= order && i + n <= padded.length; n++) {
        const key = padded.slice(i, i + n).join(' ');
        raw.set(key, (raw.get(key) ?? 0) + 1);
      }
    }
  }
  const adjusted = (gram: string[]): number => {
    const key = gram.join(' ');
    if (key === '<s>') return 0;
    if (gram.length === order || gram[0] === '<s>') return raw.get(key) ?? 0;
    let left = 0;
    for (const v of vocab) if (raw.has(`${v} ${key}`)) left++;
    return left;
  };
  const words = [...vocab].filter((w) => w !== '<s>');
  const prob = (word: string, context: string[]): number => {
    const n = context.length + 1;
    const lower = n === 1 ? 1 / words.length : prob(word, context.slice(1));
    let denominator = 0;
    let mass = 0;
    const d = discounts[n - 1]!;
    const discount = (a: number): number => (a === 1 ? d.d1 : a === 2 ? d.d2 : d.d3);
    for (const w of words) {
      const a = adjusted([...context, w]);
      if (a > 0) {
        denominator += a;
        mass += discount(a);
      }
    }
    if (denominator === 0) return lower;
    const a = adjusted([...context, word]);
    return (a > 0 ? (a - discount(a)) / denominator : 0) + (mass / denominator) * lower;
  };
  return (word, history) => {
    const full = ['<s>', ...history];
    const w = vocab.has(word) ? word : '<unk>';
    return prob(w, full.slice(Math.max(0, full.length - (order - 1))));
  };
}
