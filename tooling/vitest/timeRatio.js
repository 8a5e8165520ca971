// Plain JavaScript, like the rest of this package: vitest config files load it with Node itself.
import { appendFileSync } from 'node:fs';

/** The bound of issue 13's complexity suite: 10× the input may take at most 15× the time (linear work gives ~10). */
export const MAX_COMPLEXITY_RATIO = 15;

/**
 * A clock for the complexity tests: read it twice and {@link elapsed} gives the lesser of the wall time and the
 * process CPU time (user + system, all threads) between the readings. The complexity tests run beside other test
 * files on two shared cores, and each clock alone measures something besides the work: wall time counts the time a
 * process waits for a core (a scavenge of a 2 MB tokenization took 60-100 ms instead of 15 while a training ran
 * beside it), CPU time counts the garbage collector's helper threads, which work in parallel with the main thread
 * on an idle core. Neither can hide quadratic work on the main thread: both grow with it.
 * @returns {{ wall: number, cpu: number }} milliseconds
 */
const now = () => {
  const { user, system } = process.cpuUsage();
  return { wall: performance.now(), cpu: (user + system) / 1000 };
};

/** @param {{ wall: number, cpu: number }} t0 a reading of {@link now} @returns {number} ms since then */
const elapsed = (t0) => {
  const t1 = now();
  return Math.min(t1.wall - t0.wall, t1.cpu - t0.cpu);
};

/**
 * @param {string} label
 * @param {number} small best time of the small input (ms)
 * @param {number} large best time of the large input (ms)
 * @param {number} floorMs
 */
function ratioOf(label, small, large, floorMs) {
  const ratio = large / Math.max(small, floorMs);
  const result = { label, smallMs: Math.round(small * 10) / 10, largeMs: Math.round(large * 10) / 10, ratio: Math.round(ratio * 100) / 100 };
  // NLPKIT_COMPLEXITY_LOG=<file> collects every measurement (for closing notes and BENCHMARKS.md).
  const log = process.env.NLPKIT_COMPLEXITY_LOG;
  if (log !== undefined && log !== '') appendFileSync(log, `${JSON.stringify(result)}\n`);
  return result;
}

/**
 * Attempts at a pair before its best ratio is the verdict. Five, not three: on the two shared cores of CI, beside
 * other test files, a linear stemmer (porterStem on 'ay' repeated: ~10.6 alone) once measured 15.12 three times
 * running (2026-12-04). Quadratic work fails every attempt by far; a pair within the bound stops at its first.
 */
const ATTEMPTS = 5;

/** How many times the small input runs per timing: the large input is ten times larger. */
const SMALL_RUNS = 10;

/**
 * Times `small` and `large` (the same work on an input and on one ten times larger; each by the lesser of wall
 * and CPU time, see `now`) and returns
 * `large / max(small, floorMs)`, where `small` is the time of one small run measured as ten runs in a row whose
 * results are all kept alive until the tenth ends, divided by ten. Kept alive, the ten small results occupy the heap
 * as the one large result does, so both sides pay the same garbage-collection regime (promotion out of the young
 * generation, old-generation marking): timed alone, a small run's garbage dies young and costs almost nothing,
 * which put linear tokenizers at ratios of 15-29 on a busy machine although their work is linear. Each side is the
 * best of `repeats` timings (both sides run once untimed first, to warm the JIT and grow the heap); when the ratio
 * exceeds {@link MAX_COMPLEXITY_RATIO} the pair is measured again, up to `attempts` times, and the best ratio is kept
 * — a busy CI machine can make one measurement slow, while quadratic work fails every time by far (10× the input is
 * then 100× the time). The large side stops early, once a timing puts the ratio within the bound: more timings
 * could only lower the best large time, so the ratio, and the verdict, would stay within it (the small side always
 * takes all its timings, since a lower small time raises the ratio). So each measurement passes or fails exactly
 * where timing every repeat would, for one large run instead of `repeats` when it passes (tokenizers' suite ~96 s ->
 * ~71 s alone); the ratio it reports (and logs) is then that first one within the bound, not the lowest.
 * @param {string} label
 * @param {() => unknown} small
 * @param {() => unknown} large
 * @param {{ floorMs?: number, repeats?: number, attempts?: number }} [options]
 */
export function measureRatio(label, small, large, options = {}) {
  const { floorMs = 20, repeats = 2, attempts = ATTEMPTS } = options;
  const timeSmall = () => {
    const kept = [];
    const t0 = now();
    for (let k = 0; k < SMALL_RUNS; k++) kept.push(small());
    const ms = elapsed(t0) / SMALL_RUNS;
    kept.length = 0;
    return ms;
  };
  const timeLarge = () => {
    const t0 = now();
    large();
    return elapsed(t0);
  };
  const best = (/** @type {() => number} */ time) => {
    let min = Infinity;
    for (let k = 0; k < repeats; k++) min = Math.min(min, time());
    return min;
  };
  // The large side's best time, stopping once it is within `bound` (see measureRatio's doc).
  const bestLarge = (/** @type {number} */ bound) => {
    let min = Infinity;
    for (let k = 0; k < repeats && !(min <= bound); k++) min = Math.min(min, timeLarge());
    return min;
  };
  const measure = () => {
    const smallMs = best(timeSmall);
    return ratioOf(label, smallMs, bestLarge(MAX_COMPLEXITY_RATIO * Math.max(smallMs, floorMs)), floorMs);
  };
  // Both sides run once untimed: the JIT warms up, and the heap grows to what the large one needs (otherwise its
  // first timed runs pay for growing the heap, and allocation-heavy work looks superlinear).
  small();
  large();
  let result = measure();
  for (let a = 1; a < attempts && result.ratio > MAX_COMPLEXITY_RATIO; a++) {
    const again = measure();
    if (again.ratio < result.ratio) result = again;
  }
  return result;
}

/**
 * {@link measureRatio} for asynchronous work (readers over streams and files), with the same measurement.
 * @param {string} label
 * @param {() => Promise<unknown>} small
 * @param {() => Promise<unknown>} large
 * @param {{ floorMs?: number, repeats?: number, attempts?: number }} [options]
 */
export async function measureRatioAsync(label, small, large, options = {}) {
  const { floorMs = 20, repeats = 2, attempts = ATTEMPTS } = options;
  const timeSmall = async () => {
    const kept = [];
    const t0 = now();
    for (let k = 0; k < SMALL_RUNS; k++) kept.push(await small());
    const ms = elapsed(t0) / SMALL_RUNS;
    kept.length = 0;
    return ms;
  };
  const timeLarge = async () => {
    const t0 = now();
    await large();
    return elapsed(t0);
  };
  const best = async (/** @type {() => Promise<number>} */ time) => {
    let min = Infinity;
    for (let k = 0; k < repeats; k++) min = Math.min(min, await time());
    return min;
  };
  const bestLarge = async (/** @type {number} */ bound) => {
    let min = Infinity;
    for (let k = 0; k < repeats && !(min <= bound); k++) min = Math.min(min, await timeLarge());
    return min;
  };
  const measure = async () => {
    const smallMs = await best(timeSmall);
    return ratioOf(label, smallMs, await bestLarge(MAX_COMPLEXITY_RATIO * Math.max(smallMs, floorMs)), floorMs);
  };
  await small();
  await large();
  let result = await measure();
  for (let a = 1; a < attempts && result.ratio > MAX_COMPLEXITY_RATIO; a++) {
    const again = await measure();
    if (again.ratio < result.ratio) result = again;
  }
  return result;
}
