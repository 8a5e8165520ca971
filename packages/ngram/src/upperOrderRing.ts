import type { MessagePort } from 'node:worker_threads';

/*
 * The ring in shared memory through which `countKenlmTextOnThreads` hands each sentence to the thread that counts
 * its highest orders (`upperOrderCountWorker`): one record per sentence longer than the lower orders, in the text's
 * order — its length, its word ids, then the ids of its n-grams of the highest lower order by start position. Both
 * ends keep a position (int32s written and read since the start, modulo 2^32) in `state`.
 */

/** `state[WRITTEN]`: int32s the writer has published; `state[READ]`: int32s the reader is done with. */
export const WRITTEN = 0;
export const READ = 1;
/** `state[DONE]`: 1 once the writer has published its last record. */
export const DONE = 2;
/** `state[FAILED]`: 1 when the reader has failed (its message says why); the writer stops waiting for room. */
export const FAILED = 3;
/** `state[WAITING]`: 1 while the reader sleeps for more records (the writer then wakes it). */
export const WAITING = 4;
/** Int32s of `state`. */
export const STATE_LENGTH = 5;

/** Int32s before a record's words: its length and the share of the input read (in units of 1 / {@link SHARE_ONE}). */
export const RECORD_HEAD = 2;
export const SHARE_ONE = 2 ** 30;

/** A record's length that says: this sentence was too long for the ring, it comes as a message on `sentences`. */
export const LONG_SENTENCE = -1;

/** Int32s the reader counts between two reports of its position (so the writer, waiting for room, goes on soon). */
export const READ_EVERY = 1 << 16;

/** What the counting thread is started with. */
export interface UpperOrderCountWorkerData {
  readonly ring: Int32Array;
  readonly state: Int32Array;
  /** Whether the records carry the share of the input read (for the tables' projected sizes). */
  readonly projected: boolean;
  /** The thread counts orders `from + 1` to `order`; the records carry the ids of order `from`. */
  readonly from: number;
  readonly order: number;
  /** Where sentences too long for the ring come. */
  readonly sentences: MessagePort;
}

/** One order's counts, as the counting thread hands them back (their buffers transferred). */
export interface UpperOrderCounts {
  readonly parents: Int32Array;
  readonly words: Int32Array;
  readonly counts: Uint32Array;
  readonly suffixes: Int32Array;
}

/** The counting thread's one message: its orders' counts, lowest first, or what went wrong. */
export type UpperOrderCountWorkerReply = { readonly counts: UpperOrderCounts[] } | { readonly failed: string };
