import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RecordReader } from './countFiles.js';
import type { MemoryBudget } from './memoryBudget.js';
import { BOS_INDEX } from './ngramWordIndex.js';
import { RecordSorter } from './recordSorter.js';
import { RecordWriter } from './recordWriter.js';

/** Records per read and write buffer of {@link lowerOrderCounts} (at most; less under a small cap). */
const BUFFER_RECORDS = 1 << 16;

/**
 * The count files of orders 2..N (`files[n-1]`, records `[w1..wn, count]` in word-id order, written atomically) from
 * the sorted counts of every position's N-gram padded on the left with `<s>` (`padded`, as the out-of-core counter
 * counts them: one N-gram per position, as lmplz's counter does). The n-gram ending at a position is the last n words
 * of the padded N-gram ending there, so each order's counts are the sums of the order above's over their last n words
 * — one streaming pass and one external sort per order, from the top down. A padded n-gram starting with two `<s>`
 * is not an n-gram of the text (only its suffixes are): it is carried down but left out of the count files. Returns
 * the number of n-grams per order (index n-1; index 0 left 0). `padded` and the intermediate files (in `folder`) are
 * removed.
 */
export function lowerOrderCounts(
  padded: string,
  order: number,
  files: readonly string[],
  vocabSize: number,
  budget: MemoryBudget,
  folder: string,
  maxReaders: number,
  signal: AbortSignal | undefined,
): number[] {
  const distinct = new Array<number>(order).fill(0);
  let input = padded;
  for (let n = order; n >= 3; n--) {
    const width = n + 1;
    const records = Math.max(16, Math.min(BUFFER_RECORDS, Math.floor(budget.cap / 16 / (4 * width))));
    const staging = join(folder, `counts-order-${n}.staged.bin`);
    const reader = new RecordReader(input, width, budget.uint32(records * width), 0, budget, n);
    let writer: RecordWriter | undefined;
    let sorter: RecordSorter | undefined;
    try {
      writer = new RecordWriter(staging, width, records, budget);
      sorter = new RecordSorter({
        width: n,
        keyLength: n - 1,
        vocabSize,
        // Its histogram is vocabulary-sized, on top of the cap as the counter's other vocabulary-sized arrays.
        bytes: budget.cap - budget.used + 4 * (vocabSize + 1),
        budget,
        folder,
        name: `padded-${n - 1}`,
        sum: true,
        signal,
      });
      const buf = reader.buffer;
      const out = writer.buffer;
      let steps = 0;
      while (reader.next()) {
        const at = reader.at;
        if (buf[at] !== BOS_INDEX || buf[at + 1] !== BOS_INDEX) {
          const w = writer.slot();
          for (let k = 0; k < width; k++) out[w + k] = buf[at + k]!;
        }
        const s = sorter.slot();
        const into = sorter.buffer;
        for (let k = 1; k < width; k++) into[s + k - 1] = buf[at + k]!;
        if ((++steps & 0xffff) === 0) signal?.throwIfAborted();
      }
    } finally {
      budget.release(reader.buffer.byteLength);
      reader.close();
      writer?.close();
    }
    distinct[n - 1] = writer.records;
    renameSync(staging, files[n - 1]!);
    rmSync(input, { force: true });
    input = join(folder, `padded-order-${n - 1}.bin`);
    const below = n - 1 === 2 ? join(folder, 'counts-order-2.staged.bin') : input;
    distinct[n - 2] = sorter.finish(below, maxReaders);
    if (n - 1 === 2) renameSync(below, files[1]!);
  }
  return distinct;
}
