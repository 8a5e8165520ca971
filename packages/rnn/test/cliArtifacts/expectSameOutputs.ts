import { expect } from 'vitest';
import type { ArtifactOutputs } from './artifactOutputs.mjs';

/** Every number of a nested array, in order (null, the JSON form of -Infinity, kept as it is). */
const flat = (value: unknown): (number | null)[] => (Array.isArray(value) ? value.flatMap(flat) : [value as number | null]);

/**
 * Checks that `actual` gives what the CLI-trained artifacts gave in Node (`expected`): the same tags and labels,
 * and every logit, log-probability, emission score and class probability within `atol`. With `sync: false`
 * `lm.next`, which only the synchronous `LanguageModel` contract gives (absent from `actual`), is not compared.
 */
export function expectSameOutputs(actual: ArtifactOutputs, expected: ArtifactOutputs, { atol = 1e-5, sync = true } = {}): void {
  expect(actual.tagger.tags).toEqual(expected.tagger.tags);
  expect(actual.classifier.labels).toEqual(expected.classifier.labels);
  const pairs: [string, unknown, unknown][] = [
    ['lm.logits', actual.lm.logits, expected.lm.logits],
    ['lm.log10Probs', actual.lm.log10Probs, expected.lm.log10Probs],
    ...(sync ? ([['lm.next', actual.lm.next, expected.lm.next]] as [string, unknown, unknown][]) : []),
    ['tagger.emissions', actual.tagger.emissions, expected.tagger.emissions],
    ['classifier.probabilities', actual.classifier.probabilities, expected.classifier.probabilities],
  ];
  for (const [name, a, e] of pairs) {
    const got = flat(a);
    const want = flat(e);
    expect(got.length, name).toBe(want.length);
    expect(want.length, name).toBeGreaterThan(0);
    const worst = got.reduce<number>((m, v, i) => {
      const w = want[i] ?? null;
      if (v === null || w === null) return v === w ? m : Infinity;
      return Math.max(m, Math.abs(v - w));
    }, 0);
    expect(worst, `${name}: largest difference from the Node outputs`).toBeLessThanOrEqual(atol);
  }
}
