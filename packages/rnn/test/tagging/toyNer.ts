// A tiny seeded NER corpus for tagger tests: persons, places and organisations in a few sentence templates (IOB2).
import { createRng } from '@nlpkit/core';

const PER = [['John'], ['Mary', 'Smith'], ['Ann'], ['Bob', 'Lee'], ['Karl', 'Marx']];
const LOC = [['Paris'], ['New', 'York'], ['Rome'], ['Oslo'], ['Buenos', 'Aires']];
const ORG = [['Acme'], ['Red', 'Cross'], ['IBM'], ['United', 'Nations']];

function entity(words: string[], label: string): { words: string[]; tags: string[] } {
  return { words, tags: words.map((_, i) => `${i === 0 ? 'B' : 'I'}-${label}`) };
}

/** `n` sentences drawn from `seed`. */
export function toyNer(n: number, seed: number): { words: string[]; tags: string[] }[] {
  const rng = createRng(seed);
  const pick = <T>(xs: T[]): T => xs[rng.int(xs.length)] as T;
  const o = (...words: string[]) => ({ words, tags: words.map(() => 'O') });
  const templates = [
    () => [entity(pick(PER), 'PER'), o('lives', 'in'), entity(pick(LOC), 'LOC'), o('.')],
    () => [entity(pick(PER), 'PER'), o('works', 'for'), entity(pick(ORG), 'ORG')],
    () => [o('the'), entity(pick(ORG), 'ORG'), o('office', 'in'), entity(pick(LOC), 'LOC')],
    () => [o('we', 'met'), entity(pick(PER), 'PER'), o('and'), entity(pick(PER), 'PER')],
  ];
  return Array.from({ length: n }, () => {
    const parts = pick(templates)();
    return { words: parts.flatMap((p) => p.words), tags: parts.flatMap((p) => p.tags) };
  });
}
