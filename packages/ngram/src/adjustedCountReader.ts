import type { RecordReader } from './countFiles.js';
import { type DiskWorkspace, compareRecords } from './diskWorkspace.js';
import { BOS_INDEX } from './ngramWordIndex.js';

/**
 * The n-grams of order n ≥ 2 in the counts' (context) order with their adjusted counts: the raw count for the
 * highest order and for `<s>`-initial n-grams, else the continuation count joined from the sorted suffixes of the
 * order above. With a `keep` file ({@link pruneMarksOnDisk}: one flag per n-gram, in the same order), `kept` says
 * whether a pruned model keeps the current n-gram (always true without one).
 */
export class AdjustedCountReader {
  readonly buffer: Uint32Array;
  at = 0;
  adjusted = 0;
  raw = 0;
  kept = true;
  readonly #n: number;
  readonly #counts: RecordReader;
  readonly #continuation: RecordReader | undefined;
  readonly #keep: RecordReader | undefined;
  readonly #workspace: DiskWorkspace;
  #more = false;

  /** `counts`: the count file of order n; `continuation`: the continuation counts (none for the highest order). */
  constructor(n: number, workspace: DiskWorkspace, counts: string, continuation: string | undefined, keep?: string) {
    this.#n = n;
    this.#workspace = workspace;
    this.#counts = workspace.open(counts, n + 1);
    try {
      this.#continuation = continuation === undefined ? undefined : workspace.open(continuation, n + 1);
      this.#keep = keep === undefined ? undefined : workspace.open(keep, 1, 0);
    } catch (error) {
      workspace.close(this.#counts);
      workspace.close(this.#continuation);
      throw error;
    }
    this.#more = this.#continuation?.next() ?? false;
    this.buffer = this.#counts.buffer;
  }

  next(): boolean {
    const counts = this.#counts;
    if (!counts.next()) return false;
    const n = this.#n;
    const at = counts.at;
    this.at = at;
    this.raw = this.buffer[at + n]!;
    const keep = this.#keep;
    if (keep !== undefined) this.kept = keep.next() && keep.buffer[keep.at] === 1;
    const cont = this.#continuation;
    if (cont === undefined || this.buffer[at] === BOS_INDEX) {
      this.adjusted = this.raw;
      return true;
    }
    let c = -1;
    while (this.#more && (c = compareRecords(cont.buffer, cont.at, this.buffer, at, n)) < 0) this.#more = cont.next();
    this.adjusted = this.#more && c === 0 ? cont.buffer[cont.at + n]! : 0;
    return true;
  }

  close(): void {
    this.#workspace.close(this.#counts);
    this.#workspace.close(this.#continuation);
    this.#workspace.close(this.#keep);
  }
}
