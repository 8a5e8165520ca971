// The entry point of the thread that counts the highest orders of a text for `countKenlmTextOnThreads`, loaded by
// URL with `new Worker`: the one kind of module of the package that does work when loaded, because that is what a
// worker's entry is for. Never imported by the package's entry points.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { projection } from './countNgrams.js';
import { collectDroppedArrays } from './memoryBudget.js';
import { NgramOrderTables } from './ngramOrderTables.js';
import {
  DONE,
  FAILED,
  LONG_SENTENCE,
  READ,
  READ_EVERY,
  RECORD_HEAD,
  SHARE_ONE,
  type UpperOrderCounts,
  type UpperOrderCountWorkerData,
  type UpperOrderCountWorkerReply,
  WAITING,
  WRITTEN,
} from './upperOrderRing.js';

const port = parentPort;
if (port !== null) {
  const { ring, state, from, order, projected, sentences } = workerData as UpperOrderCountWorkerData;
  try {
    // The tables size themselves by the share of the input read when the sentence being counted was (as they would
    // on the thread that reads it).
    let share = 0;
    const tables = new NgramOrderTables(from, order, collectDroppedArrays, projection(projected ? () => share / SHARE_ONE : undefined));
    const mask = ring.length - 1;
    let words = new Int32Array(256);
    let ids = new Int32Array(256);
    let read = 0;
    let reported = 0;
    for (;;) {
      const written = Atomics.load(state, WRITTEN);
      if (written === read) {
        if (Atomics.load(state, DONE) === 1 && Atomics.load(state, WRITTEN) === read) break;
        // Nothing to count: sleep until the writer publishes more (it wakes a waiting reader; the timeout is a
        // safety net).
        Atomics.store(state, WAITING, 1);
        if (Atomics.load(state, WRITTEN) === read && Atomics.load(state, DONE) === 0) Atomics.wait(state, WRITTEN, read, 20);
        Atomics.store(state, WAITING, 0);
        continue;
      }
      while (read !== written) {
        const length = ring[read & mask]!;
        share = ring[(read + 1) & mask]!;
        read = (read + RECORD_HEAD) | 0;
        if (length === LONG_SENTENCE) {
          // A sentence too long for the ring came as a message: it is next in the text's order.
          const message = receiveMessageOnPort(sentences)!.message as { words: Int32Array; ids: Int32Array };
          tables.count(message.words, message.ids, message.words.length);
        } else {
          const count = length - from + 1;
          if (words.length < length) {
            words = new Int32Array(length * 2);
            ids = new Int32Array(length * 2);
          }
          for (let i = 0; i < length; i++, read = (read + 1) | 0) words[i] = ring[read & mask]!;
          for (let i = 0; i < count; i++, read = (read + 1) | 0) ids[i] = ring[read & mask]!;
          tables.count(words, ids, length);
        }
        if (((read - reported) | 0) >= READ_EVERY) {
          reported = read;
          Atomics.store(state, READ, read);
          Atomics.notify(state, READ);
        }
      }
      reported = read;
      Atomics.store(state, READ, read);
      Atomics.notify(state, READ);
    }
    const counts: UpperOrderCounts[] = tables.finish().map(({ index, counts, suffixes }) => ({ parents: index.parents, words: index.words, counts, suffixes }));
    const buffers = counts.flatMap((c) => [c.parents.buffer, c.words.buffer, c.counts.buffer, c.suffixes.buffer]) as ArrayBuffer[];
    port.postMessage({ counts } satisfies UpperOrderCountWorkerReply, buffers);
  } catch (error) {
    Atomics.store(state, FAILED, 1);
    Atomics.notify(state, READ);
    port.postMessage({ failed: String((error as Error)?.stack ?? error) } satisfies UpperOrderCountWorkerReply);
  }
}
