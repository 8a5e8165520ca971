import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Bytes of typed arrays held by the on-disk counter, against its cap: every array it allocates is counted here
 * (and released when dropped), so `peak` is what the counter really held at its largest; open files likewise.
 * Tests read the peaks.
 *
 * Released bytes are only given back to the system when V8 collects the dropped arrays, and a pass that streams
 * through typed arrays allocates almost nothing on the JavaScript heap, so nothing prompts V8 to collect: the
 * arrays of one stage (a sorter's buffers, a merge's read buffers, the counting tables) would stay in memory while
 * the next stage allocates its own, up to twice the cap. So once a large share of the cap has been released, the
 * next hold first collects the garbage (a full GC: tens of milliseconds, a few times per stage).
 */
export class MemoryBudget {
  readonly cap: number;
  used = 0;
  peak = 0;
  /** Files open now and at most (run readers and the file being written). */
  openFiles = 0;
  peakOpenFiles = 0;
  readonly #collectAfter: number;

  constructor(cap: number) {
    this.cap = cap;
    this.#collectAfter = Math.max(COLLECT_AFTER_MIN, cap / 8);
  }

  /** Records `bytes` newly held (collecting the garbage first when much has been released since the last time). */
  hold(bytes: number): void {
    if (released >= this.#collectAfter) {
      released = 0;
      collectGarbage();
    }
    this.used += bytes;
    if (this.used > this.peak) this.peak = this.used;
  }

  /** Records `bytes` dropped. */
  release(bytes: number): void {
    this.used -= bytes;
    released += bytes;
  }

  /** Records a file opened (`+1`) or closed (`-1`). */
  files(delta: number): void {
    this.openFiles += delta;
    if (this.openFiles > this.peakOpenFiles) this.peakOpenFiles = this.openFiles;
  }

  uint32(length: number): Uint32Array {
    this.hold(length * 4);
    return new Uint32Array(backingStore(length * 4), 0, length);
  }

  int32(length: number): Int32Array {
    this.hold(length * 4);
    return new Int32Array(backingStore(length * 4), 0, length);
  }

  float64(length: number): Float64Array {
    this.hold(length * 8);
    return new Float64Array(backingStore(length * 8), 0, length);
  }
}

/** Bytes above which an array's memory is reserved as {@link MAPPED_BYTES} at least (see {@link backingStore}). */
const MAPPED_ABOVE = 1 << 20;
/** Above glibc's largest dynamic mmap threshold (32 MiB on 64-bit systems). */
const MAPPED_BYTES = (32 << 20) + (64 << 10);

/**
 * Zeroed memory for a typed array of `bytes` (its view covers `bytes` only). Above {@link MAPPED_ABOVE}, at least
 * {@link MAPPED_BYTES} are reserved: glibc serves that from a mapping of its own, given back to the system as soon
 * as the array is collected, and only the pages written count in the process's memory. A mid-sized array
 * (1 to 32 MiB) would otherwise raise glibc's mmap threshold when freed, so that the next ones (a merge's read
 * buffers, the next sorter's scratch) come from the main heap, which keeps their memory after they are freed:
 * each stage's arrays stayed in the process beside the next stage's, up to about twice the cap.
 */
export function backingStore(bytes: number): ArrayBuffer {
  return new ArrayBuffer(bytes > MAPPED_ABOVE ? Math.max(bytes, MAPPED_BYTES) : bytes);
}

/** Released bytes below which no collection is forced (V8 collects that much garbage by itself soon enough). */
const COLLECT_AFTER_MIN = 16 << 20;

/**
 * Bytes released by every budget since the last collection: the process's, not one budget's, since one stage's
 * budget often drops its arrays just before the next stage's budget takes its own.
 */
let released = 0;

let gc: (() => void) | null | undefined;
/**
 * Tries left at taking `gc` from a fresh context: `--expose-gc` is a flag of the whole process, and another thread
 * (a worker counting beside the main one) may turn it off between this thread turning it on and taking `gc`.
 */
let gcTries = 3;

/**
 * Gives the memory of dropped arrays back now (a full garbage collection, see below), for the `collect` option of
 * the in-memory counter, estimator and ARPA writer: V8 collects typed arrays late (they hardly grow its own heap),
 * so one stage's dropped arrays would otherwise stay beside the next stage's at the peak.
 */
export function collectDroppedArrays(): void {
  collectGarbage();
}

/**
 * A full garbage collection, through `globalThis.gc` when the process runs with `--expose-gc`, else through a
 * `gc` function taken from a fresh V8 context made while the flag is briefly on (as Jest's leak detector does);
 * nothing when neither is possible. The memory of the arrays it finds dead is given back before it returns: V8
 * otherwise frees it on a background thread afterwards (concurrent array-buffer sweeping), so the next stage's
 * arrays, filled at once, sat beside the last stage's for a while — on a 100 M-token estimation at `--memory 512M`,
 * peaks 85–100 MB apart from one run to the next.
 */
function collectGarbage(): void {
  if (gc === undefined) {
    const exposed = (globalThis as { gc?: unknown }).gc;
    if (typeof exposed === 'function') gc = exposed as () => void;
    else {
      try {
        setFlagsFromString('--expose-gc');
        const fn: unknown = runInNewContext('gc');
        // Not there: perhaps another thread turned the flag off meanwhile; tried again next time, a few times.
        gc = typeof fn === 'function' ? (fn as () => void) : --gcTries > 0 ? undefined : null;
      } catch {
        gc = null;
      } finally {
        setFlagsFromString('--no-expose-gc');
      }
    }
  }
  if (!gc) return;
  setFlagsFromString('--no-concurrent-array-buffer-sweeping');
  try {
    gc();
  } finally {
    setFlagsFromString('--concurrent-array-buffer-sweeping');
  }
}
