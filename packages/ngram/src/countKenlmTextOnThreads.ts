import { MessageChannel, Worker } from 'node:worker_threads';
import { type KenlmTextCountOptions, KenlmTextReader, type SentenceIdSink, readKenlmText } from './countKenlmText.js';
import { NgramCounter, type NgramCounts, type UpperOrdersSink } from './countNgrams.js';
import { NlpkitError } from '@nlpkit/core';
import { PKG, check, checkOrder } from './errors.js';
import { NgramIndex } from './ngramIndex.js';
import {
  DONE,
  FAILED,
  LONG_SENTENCE,
  READ,
  RECORD_HEAD,
  SHARE_ONE,
  STATE_LENGTH,
  type UpperOrderCountWorkerData,
  type UpperOrderCountWorkerReply,
  WAITING,
  WRITTEN,
} from './upperOrderRing.js';
import { workerEntry, workerStartOptions } from './workerEntry.js';

/** Int32s of the ring (2 MiB): about 250,000 tokens of text ahead of the counting thread. */
const RING_INTS = 1 << 19;

/** Longest wait for room in the ring before looking again whether the counting thread failed. */
const WAIT_MS = 50;

/**
 * How long the ring may stay full with the counting thread reading nothing before it is taken for dead (it reads
 * a full ring in milliseconds; a thread whose script failed to load never reads, and says so only through an event
 * this thread, blocked, would not see).
 */
const STALLED_MS = 30_000;

/**
 * The orders counted on the calling thread (1 to this) when the ones above go to another: about half, so the two
 * threads take about as long — the calling thread also reads the text (order 5: orders 1–3 here, 4–5 there).
 */
export function lowerOrdersOf(order: number): number {
  return Math.ceil((order + 1) / 2);
}

/**
 * {@link countKenlmText} on two threads (Node only): the calling thread reads the text and counts its lower orders
 * (1 to {@link lowerOrdersOf}), and hands each sentence, with the ids of its n-grams of the highest of those orders,
 * through a ring in shared memory to a worker thread that counts the orders above (the ids of each order come from
 * the order below, so the work splits by order and not by text). The same counts and ids as one thread counts; the
 * worker's tables come back without a copy. Undefined where the worker script is not there (the package run from its
 * TypeScript source without a build), or for an order below 3 (nothing to split): count on one thread then.
 * @throws what {@link countKenlmText} throws, and an NlpkitError `ERR_WORKER_THREAD` when the counting thread fails
 * (with its reason) or never reads.
 */
export async function countKenlmTextOnThreads(
  chunks: Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>,
  options: KenlmTextCountOptions,
): Promise<NgramCounts | undefined> {
  check.options(options, 'options', ['order', 'signal', 'onLines', 'collect', 'totalBytes', 'progress']);
  const order = checkOrder(options.order);
  const from = lowerOrdersOf(order);
  const url = workerEntry('upperOrderCountWorker');
  if (url === undefined || from >= order) return undefined;
  const total = options.totalBytes === undefined ? 0 : check.integer(options.totalBytes, 'options.totalBytes', 0);
  const progress = options.progress ?? (total > 0 ? (): number => reader.bytesRead / total : undefined);
  const ring = new Int32Array(new SharedArrayBuffer(4 * RING_INTS));
  const mask = RING_INTS - 1;
  const state = new Int32Array(new SharedArrayBuffer(4 * STATE_LENGTH));
  const channel = new MessageChannel();
  const data: UpperOrderCountWorkerData = { ring, state, projected: progress !== undefined, from, order, sentences: channel.port2 };
  const worker = new Worker(url, { ...workerStartOptions(), workerData: data, transferList: [channel.port2] });
  const reply = new Promise<UpperOrderCountWorkerReply>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`it stopped (exit code ${code}) before it answered`)));
  });
  reply.catch(() => {}); // awaited below; a failure before then must not be an unhandled rejection
  /** The error for the counting thread: what it did (code `ERR_WORKER_THREAD`). */
  const threadError = (what: string): NlpkitError =>
    new NlpkitError('ERR_WORKER_THREAD', { package: PKG, message: `the thread counting orders ${from + 1} to ${order} ${what}` });
  const failure = async (): Promise<NlpkitError> => {
    const answer = await reply.catch((error: unknown) => ({ failed: error instanceof Error ? error.message : String(error) }));
    return threadError(`failed: ${'failed' in answer ? answer.failed : 'it answered early'}`);
  };
  /** Thrown by the writer when the counting thread has failed (its reason is then awaited, and thrown instead). */
  const failedThread = threadError('failed');

  let written = 0;
  const waitForRoom = (need: number): void => {
    let since = 0;
    let last = 0;
    for (;;) {
      const read = Atomics.load(state, READ);
      if (RING_INTS - ((written - read) | 0) >= need) return;
      if (Atomics.load(state, FAILED) === 1) throw failedThread;
      if (since === 0 || read !== last) {
        since = Date.now();
        last = read;
      } else if (Date.now() - since > STALLED_MS) {
        throw threadError(`read nothing for ${STALLED_MS / 1000} s (its script did not start?)`);
      }
      Atomics.wait(state, READ, read, WAIT_MS);
    }
  };
  const publish = (): void => {
    Atomics.store(state, WRITTEN, written);
    if (Atomics.load(state, WAITING) === 1) Atomics.notify(state, WRITTEN);
  };
  const upper: UpperOrdersSink = (words, ids, length) => {
    const count = length - from + 1;
    const need = RECORD_HEAD + length + count;
    // The share of the input read when the sentence was, which the other thread's tables size themselves by.
    const share = progress === undefined ? 0 : Math.floor(Math.min(1, progress()) * SHARE_ONE);
    if (need > RING_INTS) {
      // Too long for the ring: the sentence goes as a message, posted before its marker is published.
      waitForRoom(RECORD_HEAD);
      channel.port1.postMessage({ words: words.slice(0, length), ids: ids.slice(0, count) });
      ring[written & mask] = LONG_SENTENCE;
      ring[(written + 1) & mask] = share;
      written = (written + RECORD_HEAD) | 0;
    } else {
      waitForRoom(need);
      ring[written & mask] = length;
      ring[(written + 1) & mask] = share;
      written = (written + RECORD_HEAD) | 0;
      for (let i = 0; i < length; i++, written = (written + 1) | 0) ring[written & mask] = words[i]!;
      for (let i = 0; i < count; i++, written = (written + 1) | 0) ring[written & mask] = ids[i]!;
    }
    publish();
  };
  const counter = new NgramCounter(
    { order: from, ...(options.collect ? { collect: options.collect } : {}), ...(progress ? { progress } : {}) },
    upper,
  );
  // The other thread is told that the text has ended before this one finishes its tables: both finish at once.
  const sink: SentenceIdSink<NgramCounts> = {
    wordIndex: counter.wordIndex,
    addSentenceIds: (ids, length) => counter.addSentenceIds(ids, length),
    finish: () => {
      Atomics.store(state, DONE, 1);
      Atomics.notify(state, WRITTEN);
      return counter.finish();
    },
  };
  const reader: KenlmTextReader<NgramCounts> = new KenlmTextReader(sink, options);
  try {
    const lower = await readKenlmText(reader, chunks, options.signal);
    const answer = await reply.catch(async () => {
      throw await failure();
    });
    if ('failed' in answer) throw await failure();
    return {
      order,
      wordIndex: lower.wordIndex,
      indexes: [...lower.indexes, ...answer.counts.map((c) => NgramIndex.lazy(c.parents, c.words))],
      counts: [...lower.counts, ...answer.counts.map((c) => c.counts)],
      suffixes: [...lower.suffixes, ...answer.counts.map((c) => c.suffixes)],
      sentences: lower.sentences,
      tokens: lower.tokens,
    };
  } catch (error) {
    throw error === failedThread ? await failure() : error;
  } finally {
    channel.port1.close();
    await worker.terminate();
  }
}
