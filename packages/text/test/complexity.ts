import { MAX_COMPLEXITY_RATIO, measureRatio, measureRatioAsync, type ComplexityRatio } from '@nlpkit/vitest-config';

/** The bound every reader and tokenizer must meet on 10× the input (issue 13). */
export const MAX_RATIO = MAX_COMPLEXITY_RATIO;

/** `run` timed on `small` and on `large` (ten times larger); see `measureRatio` in @nlpkit/vitest-config. */
export function timeRatio<T>(label: string, run: (input: T) => unknown, small: T, large: T, floorMs = 20): ComplexityRatio {
  return measureRatio(label, () => run(small), () => run(large), { floorMs });
}

/** {@link timeRatio} for async work (readers over streams and files). */
export function timeRatioAsync<T>(label: string, run: (input: T) => Promise<unknown>, small: T, large: T, floorMs = 20): Promise<ComplexityRatio> {
  return measureRatioAsync(label, () => run(small), () => run(large), { floorMs });
}

/** `unit` repeated to about `length` UTF-16 code units. */
export function sized(unit: string, length: number): string {
  return unit.repeat(Math.max(1, Math.round(length / unit.length)));
}

export const MB = 1_000_000;

/** Realistic prose: mixed English with accents, numbers, punctuation, an e-mail, a URL and emoji. */
export const PROSE =
  'Mr. Smith paid $3.88 for the café au lait in São Paulo, didn\'t he? "Yes," she said -- twice. ' +
  'E-mail jo@example.org or see https://example.com/a?b=c. Prices rose 1,000% in 2023 (approx.)! 👩‍👩‍👧 🇫🇷\n';
