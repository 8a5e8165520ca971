import { appendFileSync } from 'node:fs';

/** A time ratio measured by {@link timeRatio}. */
export interface Ratio {
  readonly smallMs: number;
  readonly largeMs: number;
  readonly ratio: number;
}

/** The bound every reader and tokenizer must meet on 10× the input (issue 13): linear work gives about 10. */
export const MAX_RATIO = 15;

function time(run: () => unknown): number {
  const t0 = performance.now();
  run();
  return performance.now() - t0;
}

async function timeAsync(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

function ratioOf(label: string, small: number, large: number, floorMs: number): Ratio {
  const ratio = large / Math.max(small, floorMs);
  const result = { smallMs: Math.round(small), largeMs: Math.round(large), ratio: Math.round(ratio * 10) / 10 };
  // NLPKIT_COMPLEXITY_LOG=<file> collects the measurements (for the closing note).
  const log = process.env.NLPKIT_COMPLEXITY_LOG;
  if (log !== undefined && log !== '') appendFileSync(log, `${JSON.stringify({ label, ...result })}\n`);
  return result;
}

/**
 * Times `run` on a small input and on one ten times larger; the ratio divides by max(small time, `floorMs`) so a
 * 2 ms run does not turn noise into a failure. The small input runs once to warm up, then twice (the faster one
 * counts); if the ratio exceeds {@link MAX_RATIO} the pair is measured once more (a busy machine, a GC pause) and
 * the better ratio is kept: a quadratic reader fails both times by far.
 */
export function timeRatio<T>(label: string, run: (input: T) => unknown, small: T, large: T, floorMs = 20): Ratio {
  const measure = (): Ratio => {
    run(small);
    const s = Math.min(time(() => run(small)), time(() => run(small)));
    return ratioOf(label, s, time(() => run(large)), floorMs);
  };
  const first = measure();
  return first.ratio <= MAX_RATIO ? first : [first, measure()].sort((a, b) => a.ratio - b.ratio)[0] as Ratio;
}

/** {@link timeRatio} for async work (readers over streams and files). */
export async function timeRatioAsync<T>(label: string, run: (input: T) => Promise<unknown>, small: T, large: T, floorMs = 20): Promise<Ratio> {
  const measure = async (): Promise<Ratio> => {
    await run(small);
    const s = Math.min(await timeAsync(() => run(small)), await timeAsync(() => run(small)));
    return ratioOf(label, s, await timeAsync(() => run(large)), floorMs);
  };
  const first = await measure();
  return first.ratio <= MAX_RATIO ? first : [first, await measure()].sort((a, b) => a.ratio - b.ratio)[0] as Ratio;
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
