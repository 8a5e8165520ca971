// Plain JavaScript, like the rest of this package: vitest config files load it with Node itself.
import { appendFileSync } from 'node:fs';

/** The bound of issue 13's complexity suite: 10× the input may take at most 15× the time (linear work gives ~10). */
export const MAX_COMPLEXITY_RATIO = 15;

const now = () => performance.now();

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
 * Times `small` and `large` (the same work on an input and on one ten times larger) and returns
 * `large / max(small, floorMs)`. Each side is the best of `repeats` runs (the small one of `repeats + 1`: its time is the divisor, so its noise
 * matters most; both sides run once untimed first, to warm the JIT and grow the heap); when the ratio
 * exceeds {@link MAX_COMPLEXITY_RATIO} the pair is measured again, up to `attempts` times, and the best ratio is
 * kept — a busy CI machine or a GC pause can make one measurement slow, while quadratic work fails every time by
 * far (10× the input is then 100× the time).
 * @param {string} label
 * @param {() => unknown} small
 * @param {() => unknown} large
 * @param {{ floorMs?: number, repeats?: number, attempts?: number }} [options]
 */
export function measureRatio(label, small, large, options = {}) {
  const { floorMs = 20, repeats = 2, attempts = 3 } = options;
  const best = (/** @type {() => unknown} */ run, /** @type {number} */ times) => {
    let min = Infinity;
    for (let k = 0; k < times; k++) {
      const t0 = now();
      run();
      min = Math.min(min, now() - t0);
    }
    return min;
  };
  // Both sides run once untimed: the JIT warms up on the small one, and the heap grows to what the large one needs
  // (otherwise its first timed runs pay for growing the heap, and allocation-heavy work looks superlinear).
  small();
  large();
  let result = ratioOf(label, best(small, repeats + 1), best(large, repeats), floorMs);
  for (let a = 1; a < attempts && result.ratio > MAX_COMPLEXITY_RATIO; a++) {
    const again = ratioOf(label, best(small, repeats + 1), best(large, repeats), floorMs);
    if (again.ratio < result.ratio) result = again;
  }
  return result;
}

/**
 * {@link measureRatio} for asynchronous work (readers over streams and files).
 * @param {string} label
 * @param {() => Promise<unknown>} small
 * @param {() => Promise<unknown>} large
 * @param {{ floorMs?: number, repeats?: number, attempts?: number }} [options]
 */
export async function measureRatioAsync(label, small, large, options = {}) {
  const { floorMs = 20, repeats = 2, attempts = 3 } = options;
  const best = async (/** @type {() => Promise<unknown>} */ run, /** @type {number} */ times) => {
    let min = Infinity;
    for (let k = 0; k < times; k++) {
      const t0 = now();
      await run();
      min = Math.min(min, now() - t0);
    }
    return min;
  };
  await small();
  await large();
  let result = ratioOf(label, await best(small, repeats + 1), await best(large, repeats), floorMs);
  for (let a = 1; a < attempts && result.ratio > MAX_COMPLEXITY_RATIO; a++) {
    const again = ratioOf(label, await best(small, repeats + 1), await best(large, repeats), floorMs);
    if (again.ratio < result.ratio) result = again;
  }
  return result;
}
