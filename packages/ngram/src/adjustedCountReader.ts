import type { RecordReader } from './countFiles.js';
import { type DiskWorkspace, compareRecords } from './diskWorkspace.js';
import { BOS_INDEX } from './ngramWordIndex.js';

/**
 * The n-grams of order n ≥ 2 in the counts' (context) order with their adjusted counts: the raw count for the
 * highest order and for `<s>`-initial n-grams, else the continuation count joined from the sorted suffixes of the
 * order above.
 */
export class AdjustedCountReader {
  readonly buffer: Uint32Array;
  at = 0;
  adjusted = 0;
  raw = 0;
  readonly #n: number;
  readonly #counts: RecordReader;
  readonly #continuation: RecordReader | undefined;
  readonly #workspace: DiskWorkspace;
  #more = false;

  /** `counts`: the count file of order n; `continuation`: the continuation counts (none for the highest order). */
  constructor(n: number, workspace: DiskWorkspace, counts: string, continuation: string | undefined) {
    this.#n = n;
    this.#workspace = workspace;
    this.#counts = workspace.open(counts, n + 1);
    try {
      this.#continuation = continuation === undefined ? undefined : workspace.open(continuation, n + 1);
    } catch (error) {
      workspace.close(this.#counts);
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
  }
}
